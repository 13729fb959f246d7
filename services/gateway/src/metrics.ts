import { Counter, Histogram, type Registry } from 'prom-client'

export interface GatewayMetrics {
  upstreamRequests: Counter<'route' | 'upstream' | 'track' | 'variant' | 'status_code'>
  upstreamDuration: Histogram<'route' | 'upstream'>
  upstreamErrors: Counter<'route' | 'upstream' | 'code'>
  upstreamRetries: Counter<'route' | 'upstream'>
  shadowRequests: Counter<'route' | 'result'>
  shadowDropped: Counter<'route' | 'reason'>
}

/** The gateway's own metrics, in the service's registry. Labels are route and upstream names from the
 * route table and variant names it maps, so cardinality is bounded by configuration. */
export function createGatewayMetrics(registry: Registry): GatewayMetrics {
  const registers = [registry]
  return {
    upstreamRequests: new Counter({
      name: 'gateway_upstream_requests_total',
      help: 'Proxied requests by route, chosen upstream, track, variant and the status the client got',
      labelNames: ['route', 'upstream', 'track', 'variant', 'status_code'],
      registers,
    }),
    upstreamDuration: new Histogram({
      name: 'gateway_upstream_duration_seconds',
      help: "Time from sending a proxied request to the upstream's response headers, in seconds",
      labelNames: ['route', 'upstream'],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    }),
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
      help: 'Requests not mirrored or not compared: busy (GATEWAY_SHADOW_CONCURRENCY reached) or too_large',
      labelNames: ['route', 'reason'],
      registers,
    }),
  }
}
