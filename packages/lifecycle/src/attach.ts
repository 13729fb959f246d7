import type { FastifyInstance } from 'fastify'
import type { LifecycleConfig } from './config.ts'
import { StartupCheckFailedError } from './errors.ts'
import { createManagementServer } from './management.ts'
import { createMetrics, type ServiceMetrics } from './metrics.ts'
import { gracefulShutdown, type ShutdownParts, unpreparedShutdown } from './shutdown.ts'
import { Lifecycle } from './state.ts'
import { createTracker, instrumentTraffic } from './traffic.ts'

/** What the lifecycle adds to a traffic server, whoever made it (runService, or the plugin on an app). */
export interface Attached {
  lifecycle: Lifecycle
  metrics: ServiceMetrics
  management: FastifyInstance
  /** Binds the management port (before or after the traffic server: runService binds it first). */
  listenManagement(): Promise<void>
  /** Once both listen: the start-up checks, then ready. */
  finishStartup(): Promise<void>
  /** The shutdown sequence for the configured SHUTDOWN_MODE; resolves to the exit code. Runs once. */
  shutdown(reason: string): Promise<0 | 1>
}

/**
 * Instruments `app` (x-served-by, Connection: close while draining, RED metrics, the socket bookkeeping the
 * drain needs) and makes its management server. Nothing listens yet.
 */
export function attachLifecycle(app: FastifyInstance, name: string, config: LifecycleConfig): Attached {
  const lifecycle = new Lifecycle()
  const tracker = createTracker()
  const metrics = createMetrics(name, config.APP_VERSION, lifecycle, () => tracker.inFlight.size)
  instrumentTraffic(app, {
    servedBy: `${name}@${config.APP_VERSION}/${config.POD_NAME}`,
    version: config.APP_VERSION,
    lifecycle,
    metrics,
    tracker,
  })
  const management = createManagementServer({
    lifecycle,
    metrics,
    logger: app.log,
    controls: config.MANAGEMENT_CONTROLS,
  })
  const parts: ShutdownParts = { app, management, lifecycle, tracker, config, log: app.log }
  const graceful = config.SHUTDOWN_MODE === 'graceful'
  let shutdownPromise: Promise<0 | 1> | undefined
  return {
    lifecycle,
    metrics,
    management,
    async listenManagement() {
      await management.listen({ port: config.MANAGEMENT_PORT, host: config.HOST })
    },
    async finishStartup() {
      for (const check of lifecycle.startupChecks) {
        try {
          await check.fn()
        } catch (cause) {
          throw new StartupCheckFailedError(check.name, (cause as Error).message, { cause })
        }
      }
      if (!lifecycle.draining) lifecycle.setState('ready')
    },
    shutdown(reason) {
      shutdownPromise ??= graceful ? gracefulShutdown(parts, reason) : unpreparedShutdown(parts, reason)
      return shutdownPromise
    },
  }
}
