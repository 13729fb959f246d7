import type { Readable } from 'node:stream'
import { type Series, statusText, type TrustFn } from '@zdd/lifecycle'
import type { ResolvedRoute, ResolvedTable } from '@zdd/routes'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { Dispatcher } from 'undici'
import { BadPathError } from '../errors.ts'
import type { GatewayMetrics } from '../metrics.ts'
import { type Cohort, type Decision, parseTrack, routeFor } from '../routes/decide.ts'
import { captureBody } from '../shadow/capture.ts'
import type { Settle, ShadowMirror } from '../shadow/mirror.ts'
import { copyRequestBody } from '../shadow/request-copy.ts'
import { baggageMember, mergeMembers } from './baggage.ts'
import { boundedBody, type HeldBytes, streamBodies } from './body.ts'
import { gatewayError, type Timeouts } from './failures.ts'
import { setClientResponseHeaders, upstreamRequestHeaders } from './headers.ts'
import { parseTarget, underPrefix, upstreamPath } from './path.ts'
import type { UpstreamFailure, UpstreamPool, UpstreamRequest } from './upstreams.ts'

export interface ProxyOptions {
  table: ResolvedTable
  pool: UpstreamPool
  shadow: ShadowMirror
  metrics: GatewayMetrics
  /** The flag evaluation for this request (request.flags of @zdd/flags). */
  cohortOf: (request: FastifyRequest) => Cohort
  trackOverride: boolean
  bodyLimit: number
  shadowMaxBodyBytes: number
  /** The gateway-wide budget for request-body copies held for shadows. */
  held: HeldBytes
  timeouts: Timeouts
  /** Whether a connection's peer is a trusted proxy (TRUST_PROXY of @zdd/lifecycle). */
  trustedPeer: TrustFn
  /** `gateway@<version>/<pod>`, sent as `x-zdd-gateway` beside the upstream's own `x-served-by`. */
  servedBy: string
}

/**
 * One pair of routes per table entry (`<prefix>` and `<prefix>/*`, so the metrics' route label is the
 * template) for every method, in a scope whose body parsers keep raw bytes.
 */
export async function proxyRoutes(app: FastifyInstance, opts: ProxyOptions): Promise<void> {
  streamBodies(app)
  for (const route of opts.table.routes) {
    const handler = proxyHandler(route, opts)
    const routeOptions = { bodyLimit: opts.bodyLimit, exposeHeadRoute: false }
    app.all(route.prefix, routeOptions, handler)
    app.all(`${route.prefix}/*`, routeOptions, handler)
  }
}

/** Our baggage keys: members with these keys in the client's baggage are replaced. */
const OWN_BAGGAGE = new Set(['zdd.user', 'zdd.track', 'zdd.variant'])

function proxyHandler(route: ResolvedRoute, opts: ProxyOptions) {
  const { metrics } = opts
  return async function proxy(request: FastifyRequest, reply: FastifyReply) {
    // The route was matched on the router's decoding of the path; the forwarded path is built from this one
    // normalization, and refused unless it is under the route's prefix too.
    const target = parseTarget(request.url)
    if ('refused' in target) throw new BadPathError(JSON.stringify(request.url), target.refused)
    if (!underPrefix(target.path, route.prefix)) {
      throw new BadPathError(JSON.stringify(request.url), `a path outside ${route.prefix} once normalised`)
    }
    const cohort = opts.cohortOf(request)
    const override = opts.trackOverride ? parseTrack(request.headers['x-zdd-track']) : undefined
    const routed = routeFor(route, cohort, override)
    const { decision } = routed
    reply.header('x-zdd-route', routed.header)

    const upstreamRequest: UpstreamRequest = {
      // Every upstream name in a resolved table is checked against its upstreams at boot.
      origin: opts.table.upstreams.get(decision.upstream) as string,
      path: upstreamPath(target, route.prefix, route.rewritePrefix),
      method: request.method as Dispatcher.HttpMethod,
      headers: upstreamRequestHeaders(
        request.headers,
        {
          remoteAddress: request.socket.remoteAddress ?? '',
          trusted: opts.trustedPeer(request.socket.remoteAddress),
          host: request.headers.host,
          // The connection's own scheme: request.protocol would already believe X-Forwarded-Proto.
          protocol: 'encrypted' in request.socket && request.socket.encrypted ? 'https' : 'http',
          prefix: route.prefix,
        },
        {
          userId: cohort.userId,
          baggage: mergeMembers(
            request.headers.baggage,
            OWN_BAGGAGE,
            `${baggageMember('zdd.user', cohort.userId)},${routed.baggage}`,
          ),
        },
      ),
      body: boundedBody(request, opts.bodyLimit),
    }
    const settle = startShadow(route, decision.upstream, upstreamRequest, cohort, opts)

    const startedAt = performance.now()
    let exchange: Awaited<ReturnType<UpstreamPool['exchange']>>
    try {
      exchange = await opts.pool.exchange(upstreamRequest, reply.raw)
    } catch (err) {
      settle?.(undefined)
      const failure = err as UpstreamFailure
      const cause = failure.cause as { code?: string } | undefined
      if (cause?.code === 'FST_ERR_CTP_BODY_TOO_LARGE') throw cause // a chunked body past the limit: 413
      if (failure.kind === 'aborted') {
        // The client went away first: there is no one left to answer.
        upstreamSeries(metrics, decision, 499).count++
        return reply.hijack()
      }
      const error = gatewayError(failure, decision.upstream, route.name, opts.timeouts)
      metrics.upstreamErrors.inc({ route: route.name, upstream: decision.upstream, code: error.code })
      upstreamSeries(metrics, decision, error.statusCode ?? 502).count++
      throw error
    }
    const { response, retried } = exchange
    metrics.upstream.observe(
      upstreamSeries(metrics, decision, response.statusCode),
      (performance.now() - startedAt) / 1000,
    )
    if (retried) metrics.upstreamRetries.inc({ route: route.name, upstream: decision.upstream })

    reply.code(response.statusCode)
    setClientResponseHeaders(response.headers, reply)
    reply.header('x-zdd-gateway', opts.servedBy)
    if (response.headers['x-served-by'] === undefined) reply.removeHeader('x-served-by')
    let body: Readable = response.body
    if (settle) {
      const capture = captureBody(response.body, opts.shadowMaxBodyBytes)
      const contentType = response.headers['content-type']
      settle({
        status: response.statusCode,
        contentType: Array.isArray(contentType) ? contentType[0] : contentType,
        body: capture.captured,
      })
      body = capture.stream
    }
    return reply.send(body)
  }
}

/** The gateway_upstream_* series of one decision and the status the client got. */
function upstreamSeries(metrics: GatewayMetrics, decision: Readonly<Decision>, status: number): Series {
  return metrics.upstream.series(
    decision.route,
    decision.upstream,
    decision.track,
    decision.variant,
    statusText(status),
  )
}

function startShadow(
  route: ResolvedRoute,
  primaryUpstream: string,
  primary: UpstreamRequest,
  cohort: Cohort,
  opts: ProxyOptions,
): Settle | undefined {
  const shadow = route.shadow
  if (!shadow || shadow.upstream === primaryUpstream) return undefined
  if (!shadow.methods.has(primary.method as never)) return undefined
  if (shadow.flag !== undefined && !cohort.isEnabled(shadow.flag)) return undefined
  const origin = opts.table.upstreams.get(shadow.upstream) as string
  if (!(primary.body && !Buffer.isBuffer(primary.body))) {
    return opts.shadow.start(route.name, shadow.ignore, { ...primary, origin })
  }
  // A body to mirror: the primary streams it on while a bounded copy is kept for the shadow.
  const { stream, copy } = copyRequestBody(primary.body, opts.shadowMaxBodyBytes, opts.held)
  primary.body = stream
  return opts.shadow.start(route.name, shadow.ignore, { ...primary, origin, body: undefined }, copy)
}
