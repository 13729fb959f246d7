// http-terminator 3.2.0, wired as its README's "Usage with Fastify":
//
//   const httpTerminator = createHttpTerminator({ server: app.server });
//   await httpTerminator.terminate();
//
// "instead of using server.close(), use httpTerminator.terminate()". It handles no signal ("it does not
// terminate the Node.js process"), so SIGTERM calls terminate() and then exits, the way it is used in
// containers. `gracefulTerminationTimeout` is left at its default (the README says 5000 ms; the code's
// default is 1000 ms). No delay knob, no readiness: `/healthz` is the always-200 endpoint typical in the wild.
import { createHttpTerminator } from 'http-terminator'
import { createApp, naiveHealth, readEnv } from './app.ts'

const env = readEnv()
const app = createApp('http-terminator', env)
naiveHealth(app)

await app.listen({ port: env.port, host: env.host })

const httpTerminator = createHttpTerminator({ server: app.server })

process.once('SIGTERM', () => {
  httpTerminator.terminate().then(
    () => process.exit(0),
    () => process.exit(1),
  )
})
