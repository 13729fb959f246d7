import type { Socket } from 'node:net'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { ServiceMetrics } from './metrics.ts'
import type { Lifecycle } from './state.ts'

export interface InFlight {
  method: string
  url: string
  startedAt: number
}

/** What the shutdown sequence needs to know about the traffic server while it drains. */
export interface TrafficTracker {
  inFlight: Set<InFlight>
  sockets: Set<Socket>
}

const UNMATCHED_ROUTE = '__unmatched'

/**
 * Hooks on the traffic server: `x-served-by` on every response, `Connection: close` once the service is
 * leaving rotation (the only way to move keep-alive clients to other pods), RED metrics by route template,
 * and the in-flight/socket bookkeeping the shutdown deadline reports from.
 */
export function instrumentTraffic(
  app: FastifyInstance,
  opts: { servedBy: string; version: string; lifecycle: Lifecycle; metrics: ServiceMetrics },
): TrafficTracker {
  const { servedBy, version, lifecycle, metrics } = opts
  const tracker: TrafficTracker = { inFlight: new Set(), sockets: new Set() }
  const started = new WeakMap<FastifyRequest, InFlight>()

  app.server.on('connection', (socket: Socket) => {
    tracker.sockets.add(socket)
    socket.once('close', () => tracker.sockets.delete(socket))
  })

  app.addHook('onRequest', async (request, reply) => {
    const entry: InFlight = { method: request.method, url: request.url, startedAt: performance.now() }
    started.set(request, entry)
    tracker.inFlight.add(entry)
    metrics.inFlight.inc()
    reply.raw.once('close', () => {
      tracker.inFlight.delete(entry)
      metrics.inFlight.dec()
    })
    reply.header('x-served-by', servedBy)
  })

  app.addHook('onSend', async (_request, reply, payload) => {
    if (!lifecycle.keepConnections) reply.header('connection', 'close')
    return payload
  })

  app.addHook('onResponse', async (request, reply) => {
    const entry = started.get(request)
    if (!entry) return
    const labels = {
      method: request.method,
      route: request.routeOptions.url ?? UNMATCHED_ROUTE,
      status_code: String(reply.statusCode),
      version,
    }
    metrics.requests.inc(labels)
    metrics.duration.observe(labels, (performance.now() - entry.startedAt) / 1000)
  })

  return tracker
}
