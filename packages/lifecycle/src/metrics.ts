import { collectDefaultMetrics, Gauge, Registry } from 'prom-client'
import { LIFECYCLE_STATES, type Lifecycle } from './state.ts'
import { Tally, tallyCounter, tallyHistogram } from './tally.ts'

/** Request duration buckets, in seconds (traffic port and the gateway's upstream exchanges). */
export const DURATION_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] as const

export interface ServiceMetrics {
  registry: Registry
  /** Requests by method, route template and status (version is constant per process, added at scrape). */
  requests: Tally
}

/** One registry per process: default process metrics, RED metrics by route template, lifecycle state. */
export function createMetrics(
  service: string,
  version: string,
  lifecycle: Lifecycle,
  inFlight: () => number,
): ServiceMetrics {
  const registry = new Registry()
  registry.setDefaultLabels({ service })
  collectDefaultMetrics({ register: registry })
  const requests = new Tally(['method', 'route', 'status_code', 'version'], DURATION_BUCKETS)
  tallyCounter(registry, {
    name: 'http_requests_total',
    help: 'HTTP requests served on the traffic port, by route template',
    tally: requests,
  })
  tallyHistogram(registry, {
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration on the traffic port, in seconds, by route template',
    tally: requests,
  })
  new Gauge({
    name: 'http_requests_in_flight',
    help: 'Requests being handled on the traffic port right now',
    registers: [registry],
    collect() {
      this.set(inFlight())
    },
  })
  const state = new Gauge({
    name: 'lifecycle_state',
    help: 'Current lifecycle state (1 for the current one): starting, ready, draining, closing, stopped',
    labelNames: ['state'],
    registers: [registry],
  })
  const info = new Gauge({
    name: 'app_info',
    help: 'Constant 1, labelled with the running version',
    labelNames: ['version'],
    registers: [registry],
  })
  info.set({ version }, 1)
  const showState = (current: string) => {
    for (const name of LIFECYCLE_STATES) state.set({ state: name }, name === current ? 1 : 0)
  }
  showState(lifecycle.state)
  lifecycle.on('state', showState)
  return { registry, requests }
}
