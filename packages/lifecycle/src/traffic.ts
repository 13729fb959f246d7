import type { Socket } from 'node:net'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
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
  /** Per socket: requests started on it, and how many of them are still unanswered. */
  usage: WeakMap<Socket, SocketUsage>
  /** performance.now() of the latest new connection or request: the drain closes after a quiet period. */
  lastArrival: number
}

export interface SocketUsage {
  started: number
  open: number
  /** performance.now() when the latest request on it started. */
  lastStartedAt: number
}

export function createTracker(): TrafficTracker {
  return { inFlight: new Set(), sockets: new Set(), usage: new WeakMap(), lastArrival: 0 }
}

const UNMATCHED_ROUTE = '__unmatched'
const IN_FLIGHT = Symbol('zdd.inFlight')

declare module 'fastify' {
  interface FastifyRequest {
    [IN_FLIGHT]: InFlight | null
  }
}

/**
 * Hooks on the traffic server: `x-served-by` on every response, `Connection: close` once the service is
 * leaving rotation (the only way to move keep-alive clients to other pods), RED metrics by route template,
 * and the in-flight/socket bookkeeping the shutdown deadline reports from. Callback hooks and a tally
 * instead of labelled prom-client calls: this runs on every request of every service, the gateway's too.
 */
export function instrumentTraffic(
  app: FastifyInstance,
  opts: {
    servedBy: string
    version: string
    lifecycle: Lifecycle
    metrics: ServiceMetrics
    tracker: TrafficTracker
  },
): void {
  const { servedBy, version, lifecycle, metrics, tracker } = opts
  const { requests } = metrics

  app.server.on('connection', (socket: Socket) => {
    tracker.sockets.add(socket)
    tracker.lastArrival = performance.now()
    tracker.usage.set(socket, { started: 0, open: 0, lastStartedAt: 0 })
    socket.once('close', () => tracker.sockets.delete(socket))
  })

  app.decorateRequest(IN_FLIGHT, null)
  app.addHook('onRequest', (request: FastifyRequest, reply: FastifyReply, done) => {
    const entry: InFlight = { method: request.method, url: request.url, startedAt: performance.now() }
    request[IN_FLIGHT] = entry
    tracker.lastArrival = entry.startedAt
    tracker.inFlight.add(entry)
    const usage = tracker.usage.get(request.raw.socket)
    if (usage) {
      usage.started++
      usage.open++
      usage.lastStartedAt = entry.startedAt
    }
    // Also when the client goes away before the answer (no onResponse then).
    reply.raw.on('close', () => {
      tracker.inFlight.delete(entry)
      if (usage) usage.open--
    })
    reply.header('x-served-by', servedBy)
    done()
  })

  app.addHook('onSend', (_request, reply, payload, done) => {
    if (!lifecycle.keepConnections) reply.header('connection', 'close')
    done(null, payload)
  })

  app.addHook('onResponse', (request, reply, done) => {
    const entry = request[IN_FLIGHT]
    if (entry) {
      const series = requests.series(
        request.method,
        request.routeOptions.url ?? UNMATCHED_ROUTE,
        statusText(reply.statusCode),
        version,
      )
      requests.observe(series, (performance.now() - entry.startedAt) / 1000)
    }
    done()
  })
}

const STATUS_TEXT: string[] = []

/** `String(status)` without a new string per request. */
export function statusText(status: number): string {
  let text = STATUS_TEXT[status]
  if (text === undefined) {
    text = String(status)
    if (status >= 100 && status < 600) STATUS_TEXT[status] = text
  }
  return text
}
