import assert from 'node:assert/strict'
import { createRequire } from 'node:module'
import { test } from 'node:test'
import { DURATION_BUCKETS, Tally, tallyCounter, tallyHistogram } from '@zdd/lifecycle'

// The prom-client @zdd/lifecycle itself runs on: the reference the tally's exposition must match.
const promClient = createRequire(import.meta.resolve('@zdd/lifecycle'))(
  'prom-client',
) as typeof import('prom-client')

const LABELS = ['method', 'route', 'status_code'] as const
const OBSERVATIONS: Array<[string, string, string, number]> = [
  ['GET', '/items/:id', '200', 0.0004],
  ['GET', '/items/:id', '200', 0.001], // on a bound: counted in that bucket (le is inclusive)
  ['GET', '/items/:id', '200', 0.03],
  ['GET', '/items/:id', '404', 0.002],
  ['POST', '/items', '201', 12], // above every bound: +Inf only
  ['GET', '/items/:id', '200', 0.2],
]

function registries() {
  const reference = new promClient.Registry()
  const ours = new promClient.Registry()
  for (const registry of [reference, ours]) registry.setDefaultLabels({ service: 'catalog' })
  return { reference, ours }
}

/** Exposition lines with each line's labels sorted, lines sorted: neither order is part of the format. */
async function lines(registry: InstanceType<typeof promClient.Registry>): Promise<string[]> {
  return (await registry.metrics())
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const match = /^(\w+)\{(.*)\} (\S+)$/.exec(line)
      if (!match) return line
      const [, name, labels = '', value] = match
      return `${name}{${labels
        .split(/,(?=\w+=")/)
        .sort()
        .join(',')}} ${value}`
    })
    .sort()
}

test('a series is found again by its label values, and counting it allocates no new series', () => {
  const tally = new Tally(LABELS, DURATION_BUCKETS)
  const a = tally.series('GET', '/items/:id', '200')
  assert.equal(tally.series('GET', '/items/:id', '200'), a)
  assert.notEqual(tally.series('GET', '/items/:id', '404'), a)
  assert.notEqual(tally.series('GET', '/items', '200'), a)
  assert.deepEqual(a.labels, { method: 'GET', route: '/items/:id', status_code: '200' })
  assert.equal(tally.all().length, 3)
  assert.throws(() => new Tally([], DURATION_BUCKETS), /1 to 5 labels/)
})

test('counter and histogram exposition equal prom-client fed the same observations', async () => {
  const { reference, ours } = registries()
  const counter = new promClient.Counter({
    name: 'http_requests_total',
    help: 'requests',
    labelNames: LABELS,
    registers: [reference],
  })
  const histogram = new promClient.Histogram({
    name: 'http_request_duration_seconds',
    help: 'durations',
    labelNames: LABELS,
    buckets: [...DURATION_BUCKETS],
    registers: [reference],
  })
  const tally = new Tally(LABELS, DURATION_BUCKETS)
  tallyCounter(ours, { name: 'http_requests_total', help: 'requests', tally })
  tallyHistogram(ours, { name: 'http_request_duration_seconds', help: 'durations', tally })
  for (const [method, route, status_code, seconds] of OBSERVATIONS) {
    counter.inc({ method, route, status_code })
    histogram.observe({ method, route, status_code }, seconds)
    tally.observe(tally.series(method, route, status_code), seconds)
  }
  assert.deepEqual(await lines(ours), await lines(reference))
  const text = await ours.metrics()
  assert.match(
    text,
    /^http_requests_total\{method="GET",route="\/items\/:id",status_code="200",service="catalog"\} 4$/m,
  )
  assert.match(
    text,
    /^http_request_duration_seconds_bucket\{(?=[^}]*le="0.001")(?=[^}]*status_code="200")[^}]*\} 2$/m,
  )
})

test('a histogram over fewer labels sums the series; events without a duration count only in the counter', async () => {
  const { reference, ours } = registries()
  const histogram = new promClient.Histogram({
    name: 'upstream_seconds',
    help: 'by route',
    labelNames: ['route'],
    buckets: [...DURATION_BUCKETS],
    registers: [reference],
  })
  const tally = new Tally(LABELS, DURATION_BUCKETS)
  tallyHistogram(ours, { name: 'upstream_seconds', help: 'by route', tally, labelNames: ['route'] })
  tallyCounter(ours, { name: 'upstream_total', help: 'all', tally })
  for (const [method, route, status_code, seconds] of OBSERVATIONS) {
    histogram.observe({ route }, seconds)
    tally.observe(tally.series(method, route, status_code), seconds)
  }
  tally.series('GET', '/items/:id', '502').count++ // answered by the proxy itself: no upstream timing
  const text = await ours.metrics()
  const histogramLines = (await lines(ours)).filter((line) => /^(# \w+ )?upstream_seconds/.test(line))
  assert.deepEqual(
    histogramLines,
    (await lines(reference)).filter((line) => /^(# \w+ )?upstream_seconds/.test(line)),
  )
  assert.match(text, /^upstream_total\{[^}]*status_code="502"[^}]*\} 1$/m)
  assert.doesNotMatch(text, /^upstream_seconds\w*\{[^}]*status_code/m)
  assert.throws(
    () => tallyHistogram(ours, { name: 'other_seconds', help: 'x', tally, labelNames: ['pod'] }),
    /labels pod are not the tally's/,
  )
})
