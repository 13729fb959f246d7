import type { Static, TObject } from '@sinclair/typebox'
import Fastify, { type FastifyInstance, type FastifyServerOptions, LogController } from 'fastify'
import { attachLifecycle } from './attach.ts'
import { type LifecycleConfig, loadConfig } from './config.ts'
import type { ServiceMetrics } from './metrics.ts'
import { schemaController } from './schema-controller.ts'
import type { Lifecycle } from './state.ts'
import { compileTrust } from './trust.ts'

export interface ServiceContext<C> {
  /** The service's name (ServiceDefinition.name). */
  name: string
  config: C
  lifecycle: Lifecycle
  metrics: ServiceMetrics
}

export interface ServiceDefinition<S extends TObject> {
  /** Service name, as in `x-served-by: <name>@<version>/<pod>` and the metrics' `service` label. */
  name: string
  /** Environment schema: `serviceEnv({...})`, i.e. LifecycleEnv plus the service's own fields. */
  envSchema: S
  /** Registers the service's routes and hooks on the traffic server. */
  register: (app: FastifyInstance, ctx: ServiceContext<Readonly<Static<S>>>) => Promise<void> | void
  /** Extra Fastify options for the traffic server (e.g. bodyLimit). */
  fastifyOptions?: Omit<FastifyServerOptions, 'logger' | 'loggerInstance'>
}

export interface Service<C> extends ServiceContext<C> {
  app: FastifyInstance
  management: FastifyInstance
  /** Binds both ports, runs start-up checks, then becomes ready. */
  start(): Promise<void>
  /** The shutdown sequence for the configured SHUTDOWN_MODE; resolves to the exit code. Runs once. */
  shutdown(reason: string): Promise<0 | 1>
}

/** Builds a service without binding or touching process signals (tests use `app.inject()` on it). */
export async function createService<S extends TObject>(
  def: ServiceDefinition<S>,
  env: Record<string, string | undefined> = process.env,
): Promise<Service<Readonly<Static<S>>>> {
  const config = loadConfig(def.envSchema, env)
  const base = config as unknown as LifecycleConfig
  const graceful = base.SHUTDOWN_MODE === 'graceful'
  const { trust } = compileTrust(base.TRUST_PROXY)
  const app = Fastify({
    // Before the service's own options, so that a service may bring Fastify's Ajv compilers back.
    schemaController,
    ...def.fastifyOptions,
    logger: {
      level: base.LOG_LEVEL,
      base: { service: def.name, version: base.APP_VERSION, pod: base.POD_NAME },
      // pino's default stdout stream writes asynchronously: process.exit() flushes its buffer while a write
      // is still pending, so the last lines (e.g. the shutdown deadline report) can land out of order or be
      // cut off. process.stdout is synchronous for files and pipes on Linux, i.e. in a container.
      stream: process.stdout,
    },
    // Per-request log lines would cost more than the requests at demo rates; errors are still logged.
    logController: new LogController({ disableRequestLogging: true }),
    // Serve requests that arrive on open connections while closing (with Connection: close), not 503s.
    return503OnClosing: !graceful,
    requestTimeout: base.REQUEST_TIMEOUT_MS,
    keepAliveTimeout: base.KEEP_ALIVE_TIMEOUT_MS,
    // X-Forwarded-* only from the configured proxies: request.ip, protocol and host are the real client's.
    trustProxy: (address: string) => trust(address),
  })
  allowHalfClosedClients(app.server)
  const attached = attachLifecycle(app, def.name, base)
  const { lifecycle, metrics, management } = attached
  await def.register(app, { name: def.name, config, lifecycle, metrics })

  return {
    name: def.name,
    app,
    management,
    config,
    lifecycle,
    metrics,
    async start() {
      await attached.listenManagement()
      await app.listen({ port: base.PORT, host: base.HOST })
      await attached.finishStartup()
      app.log.info(
        { port: base.PORT, managementPort: base.MANAGEMENT_PORT, mode: base.SHUTDOWN_MODE },
        'ready',
      )
    },
    shutdown: attached.shutdown,
  }
}

/**
 * A client may send its request and shut its sending side (legal HTTP/1.1, e.g. `printf … | nc`). Node's
 * server would take that end-of-stream for a client that left and abort the request in flight; with this,
 * the response is sent and the connection closed after it. A client that really left still shows: the
 * socket closes (reset, or our write fails), which is what aborts work in flight.
 */
function allowHalfClosedClients(server: unknown): void {
  ;(server as { httpAllowHalfOpen: boolean }).httpAllowHalfOpen = true
}
