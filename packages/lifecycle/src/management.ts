import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyRequest,
  LogController,
} from 'fastify'
import { ControlHeaderRequiredError } from './errors.ts'
import type { ServiceMetrics } from './metrics.ts'
import { schemaController } from './schema-controller.ts'
import type { Lifecycle } from './state.ts'

/**
 * The management server: probes and metrics on their own port, never routed by a Service or Ingress.
 * `/livez` answers from the process alone, so a dependency outage can never get the pod restarted.
 */
export function createManagementServer(opts: {
  lifecycle: Lifecycle
  metrics: ServiceMetrics
  logger: FastifyBaseLogger
  controls: boolean
}): FastifyInstance {
  const { lifecycle, metrics, controls } = opts
  const app = Fastify({
    schemaController,
    loggerInstance: opts.logger.child({ server: 'management' }),
    logController: new LogController({ disableRequestLogging: true }),
  })

  app.get('/livez', async (_request, reply) => {
    const live = lifecycle.live
    return reply.code(live ? 200 : 503).send({ status: live ? 'live' : 'not-live', state: lifecycle.state })
  })

  app.get('/readyz', async (_request, reply) => {
    const readiness = lifecycle.readiness()
    return reply.code(readiness.ready ? 200 : 503).send({
      status: readiness.ready ? 'ready' : 'not-ready',
      state: readiness.state,
      forcedNotReady: readiness.forced,
      checks: readiness.checks,
    })
  })

  app.get('/metrics', async (_request, reply) => {
    return reply.type(metrics.registry.contentType).send(await metrics.registry.metrics())
  })

  if (controls) {
    // Parity with the talk's demo services: take a pod out of rotation, or get it restarted by its
    // liveness probe, without a deploy. Off unless MANAGEMENT_CONTROLS=true. A custom header is required:
    // browsers send one cross-site only after a CORS preflight this server never approves, so a page the
    // operator visits cannot flip a pod with a form POST or a no-cors fetch.
    for (const probe of ['readiness', 'liveness'] as const) {
      for (const action of ['fail', 'restore'] as const) {
        app.post(`/control/${probe}/${action}`, { onRequest: requireControlHeader }, async (request) => {
          const failing = action === 'fail'
          if (probe === 'readiness') lifecycle.forceNotReady(failing)
          else lifecycle.forceNotLive(failing)
          request.log.warn({ probe, failing }, `control: ${probe} ${failing ? 'forced to fail' : 'restored'}`)
          return { probe, failing }
        })
      }
    }
  }
  return app
}

/** The header a control request must carry (any value). */
export const CONTROL_HEADER = 'x-zdd-control'

// Before the body is parsed: a form-encoded POST gets the same 403 as any other, not a 415.
function requireControlHeader(request: FastifyRequest, _reply: unknown, done: (err?: Error) => void): void {
  done(
    request.headers[CONTROL_HEADER] === undefined
      ? new ControlHeaderRequiredError(CONTROL_HEADER)
      : undefined,
  )
}
