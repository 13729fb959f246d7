// @godaddy/terminus 4.12.1, wired as its README's "How to set Terminus up with Kubernetes?":
//
//   function beforeShutdown () {
//     // given your readiness probes run every 5 second
//     // may be worth using a bigger number so you won't
//     // run into any race conditions
//     return new Promise(resolve => { setTimeout(resolve, 5000) })
//   }
//   createTerminus(server, { beforeShutdown, useExit0: true })
//
// with the `healthChecks` of its Usage section on the traffic server (`/healthcheck`, 503 once shutting
// down). The beforeShutdown sleep gets the same budget as every library with a delay knob,
// SHUTDOWN_DELAY_MS; `timeout` (forceful exit after the server stop, default 1000 ms) is left as it is.
import { setTimeout as sleep } from 'node:timers/promises'
import { createTerminus } from '@godaddy/terminus'
import { createApp, readEnv } from './app.ts'

export const TERMINUS_HEALTH_PATH = '/healthcheck'

const env = readEnv()
const app = createApp('terminus', env)
await app.ready()

createTerminus(app.server, {
  healthChecks: { [TERMINUS_HEALTH_PATH]: async () => {} },
  beforeShutdown: () => sleep(env.shutdownDelayMs),
  useExit0: true,
})

await app.listen({ port: env.port, host: env.host })
