// @zdd/lifecycle with its defaults: the service as a team would start it with no SHUTDOWN_* variable set.
// The harness gives every pod SHUTDOWN_DELAY_MS and SHUTDOWN_TIMEOUT_MS (the other variants' budget); this
// entry drops them before the config is read, so the drain is the adaptive default: keep serving after
// SIGTERM until no new connection or request has arrived for SHUTDOWN_QUIET_MS (1 s).
import { runService, serviceEnv } from '@zdd/lifecycle'
import { productRoutes } from './app.ts'

for (const name of Object.keys(process.env)) if (name.startsWith('SHUTDOWN_')) delete process.env[name]

await runService({
  name: 'zdd-lifecycle-defaults',
  envSchema: serviceEnv({}),
  register(app, { config }) {
    productRoutes(app, config.APP_VERSION)
  },
})
