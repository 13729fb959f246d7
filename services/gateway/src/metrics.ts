import { DURATION_BUCKETS, Tally, tallyCounter, tallyHistogram } from '@zdd/lifecycle'
import { Counter, type Registry } from 'prom-client'

export interface GatewayMetrics {
  /**
   * Proxied requests by route, upstream, track, variant and status_code (`count`), and the time to the
   * upstream's response headers (`observe`): gateway_upstream_requests_total and, by route and upstream,
   * gateway_upstream_duration_seconds.
   */
  upstream: Tally
  upstreamErrors: Counter<'route' | 'upstream' | 'code'>
  upstreamRetries: Counter<'route' | 'upstream'>
  shadowRequests: Counter<'route' | 'result'>
  shadowDropped: Counter<'route' | 'reason'>
}

/** The gateway's own metrics, in the service's registry. Labels are route and upstream names from the
 * route table and variant names it maps, so cardinality is bounded by configuration. */
export function createGatewayMetrics(registry: Registry): GatewayMetrics {
  const registers = [registry]
  const upstream = new Tally(['route', 'upstream', 'track', 'variant', 'status_code'], DURATION_BUCKETS)
  tallyCounter(registry, {
    name: 'gateway_upstream_requests_total',
    help: 'Proxied requests by route, chosen upstream, track, variant and the status the client got',
    tally: upstream,
  })
  tallyHistogram(registry, {
    name: 'gateway_upstream_duration_seconds',
    help: "Time from sending a proxied request to the upstream's response headers, in seconds",
    tally: upstream,
    labelNames: ['route', 'upstream'],
  })
  return {
    upstream,
    upstreamErrors: new Counter({
      name: 'gateway_upstream_errors_total',
      help: 'Proxied requests the gateway answered itself because the upstream failed, by error code',
      labelNames: ['route', 'upstream', 'code'],
      registers,
    }),
    upstreamRetries: new Counter({
      name: 'gateway_upstream_retries_total',
      help: 'Idempotent requests sent a second time after a refused or reset upstream connection',
      labelNames: ['route', 'upstream'],
      registers,
    }),
    shadowRequests: new Counter({
      name: 'shadow_requests_total',
      help: 'Mirrored requests by result: match or mismatch with the primary response, or error (shadow failed)',
      labelNames: ['route', 'result'],
      registers,
    }),
    shadowDropped: new Counter({
      name: 'shadow_dropped_total',
      help: 'Requests not mirrored or not compared: busy (GATEWAY_SHADOW_CONCURRENCY reached), too_large (GATEWAY_SHADOW_MAX_BODY_BYTES), held_budget (GATEWAY_SHADOW_HELD_BYTES) or broken (the request body broke off)',
      labelNames: ['route', 'reason'],
      registers,
    }),
  }
}
