// fastify-graceful-shutdown 5.0.0, wired as its README says:
//
//   fastify.register(require('fastify-graceful-shutdown'))
//   fastify.after(() => { fastify.gracefulShutdown(async (signal) => { ... }) })
//
// On SIGINT/SIGTERM it runs the handlers, then `fastify.close()`, then exits 0 ("The process will be exited
// after a certain timeout (Default 10 seconds)", kept). It has no delay knob and no readiness: `/healthz` is
// the always-200 endpoint typical in the wild.
import gracefulShutdown from 'fastify-graceful-shutdown'
import { createApp, naiveHealth, readEnv } from './app.ts'

const env = readEnv()
const app = createApp('fastify-graceful-shutdown', env)
naiveHealth(app)

await app.register(gracefulShutdown)
app.after(() => {
  app.gracefulShutdown(async (signal) => {
    app.log.info('Received signal to shutdown: %s', signal)
  })
})

await app.listen({ port: env.port, host: env.host })
