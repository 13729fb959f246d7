// Control: what most Fastify code in the wild does on SIGTERM, `app.close()` then exit. Fastify's defaults
// apply: return503OnClosing (requests arriving on open connections after close() get 503) and idle
// keep-alive sockets destroyed by close() (nodejs/node#20256). No delay, no readiness: `/healthz` is the
// always-200 endpoint typical in the wild.
import { createApp, naiveHealth, readEnv } from './app.ts'

const env = readEnv()
const app = createApp('naive', env)
naiveHealth(app)

process.once('SIGTERM', () => {
  app.close().then(
    () => process.exit(0),
    () => process.exit(1),
  )
})

await app.listen({ port: env.port, host: env.host })
