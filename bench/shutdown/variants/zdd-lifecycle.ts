// @zdd/lifecycle, as every service in this repository uses it: `runService` with the shared route. On
// SIGTERM: /readyz fails and every response carries `Connection: close`, it keeps serving for
// SHUTDOWN_DELAY_MS, closes the listener without 503s, reaps idle sockets, waits for in-flight requests and
// exits 0 (the sequence in docs/zero-downtime.md). Probes `/readyz` and `/livez` on MANAGEMENT_PORT.
import { runService, serviceEnv } from '@zdd/lifecycle'
import { productRoutes } from './app.ts'

await runService({
  name: 'zdd-lifecycle',
  envSchema: serviceEnv({}),
  register(app, { config }) {
    productRoutes(app, config.APP_VERSION)
  },
})
