// lightship 9.0.4, wired as its README says for Kubernetes: its own probe server on its own port
// ("The port on which the Lightship service listens. This port must be different than your main service
// port"; here MANAGEMENT_PORT), readiness `/ready` and liveness `/live` as in its "Kubernetes container probe
// configuration", `signalReady()` once the server listens, and `registerShutdownHandler` closing the server.
//
// "Add a delay before stop handling incoming requests ... Wait for a few seconds, then stop accepting new
// connections": `shutdownDelay` ("Delays the shutdown handler by X milliseconds. Default 5000") gets the same
// budget as every library with a delay knob, SHUTDOWN_DELAY_MS. `detectKubernetes: false` because the
// harness plays Kubernetes: in "local mode" lightship would take a random port and drop the delay to 0.
// The timeouts keep their defaults (gracefulShutdownTimeout 30 s, shutdownHandlerTimeout 5 s).
import { createLightship } from 'lightship'
import { createApp, readEnv } from './app.ts'

const env = readEnv()
const app = createApp('lightship', env)

const lightship = await createLightship({
  port: env.managementPort,
  shutdownDelay: env.shutdownDelayMs,
  detectKubernetes: false,
})
lightship.registerShutdownHandler(async () => {
  await app.close()
})

try {
  await app.listen({ port: env.port, host: env.host })
  lightship.signalReady()
} catch {
  await lightship.shutdown()
}
