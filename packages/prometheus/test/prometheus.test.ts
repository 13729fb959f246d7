import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, test } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import {
  instantQuery,
  type Prometheus,
  prometheusBinary,
  startPrometheus,
  versionSamples,
} from '../src/index.ts'

// A target whose counters the test sets: what a pod's /metrics would say.
const counters = new Map<string, number>()
const exposition = () =>
  [...counters]
    .map(([series, value]) => `${series} ${value}`)
    .join('\n')
    .concat('\n')
const target = createServer((_req, res) => {
  res.setHeader('content-type', 'text/plain; version=0.0.4')
  res.end(exposition())
})
let prometheus: Prometheus
let dir: string

const series = (name: string, labels: Record<string, string>) =>
  `${name}{${Object.entries({ service: 'demo', ...labels })
    .map(([k, v]) => `${k}="${v}"`)
    .join(',')}}`
const requests = (version: string, status: string) =>
  series('http_requests_total', { version, status_code: status })
const bucket = (version: string, le: string) =>
  series('http_request_duration_seconds_bucket', { version, status_code: '200', le })

/** Until Prometheus's latest sample of the demo's v1 counter is `value`: the target was scraped since the change. */
async function scraped(value: number): Promise<void> {
  for (;;) {
    const [s] = await instantQuery(prometheus.url, 'sum(http_requests_total{version="v1"})')
    if (s?.value === value) return
    await sleep(100)
  }
}

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'zdd-prometheus-'))
  target.listen(0, '127.0.0.1')
  await new Promise((resolve) => target.once('listening', resolve))
  prometheus = await startPrometheus({ dir, scrapeIntervalMs: 250 })
  const { port } = target.address() as AddressInfo
  await prometheus.setTargets([{ address: `127.0.0.1:${port}`, labels: { pod: 'demo-1' } }])
})

after(async () => {
  await prometheus?.stop()
  target.close()
  await rm(dir, { recursive: true, force: true })
})

test('a missing binary is named, with how to install it', () => {
  assert.throws(
    () => prometheusBinary({ ZDD_PROMETHEUS_BIN: '/nonexistent/prometheus' }),
    /ZDD_PROMETHEUS_MISSING|apt-get install prometheus/,
  )
})

test('per-version requests, errors and p99 over exactly one window, a version born in it counted whole', async () => {
  counters.set(requests('v1', '200'), 100)
  counters.set(bucket('v1', '0.01'), 100)
  counters.set(bucket('v1', '+Inf'), 100)
  await scraped(100)
  const fromMs = Date.now()
  // The control window: after v1's first scrape and before the change, so it must see no increase at all.
  await sleep(600)
  const quiet = await versionSamples(prometheus.url, 'demo', fromMs, Date.now())
  assert.equal(quiet.versions.v1?.requests, 0, 'nothing was served in the control window')
  assert.equal(quiet.versions.v2, undefined)

  const changeFromMs = Date.now()
  await sleep(300)
  counters.set(requests('v1', '200'), 130)
  counters.set(bucket('v1', '0.01'), 130)
  counters.set(bucket('v1', '+Inf'), 130)
  counters.set(requests('v2', '200'), 36)
  counters.set(requests('v2', '500'), 4)
  counters.set(bucket('v2', '0.01'), 0)
  counters.set(bucket('v2', '0.1'), 40)
  counters.set(bucket('v2', '+Inf'), 40)
  await scraped(130)
  const window = await versionSamples(prometheus.url, 'demo', changeFromMs, Date.now())
  assert.deepEqual(
    window.versions.v1,
    { requests: 30, errors: 0, p99Ms: 9.9 },
    'p99 interpolated in the 0-10 ms bucket',
  )
  assert.equal(window.versions.v2?.requests, 40)
  assert.equal(window.versions.v2?.errors, 4)
  const p99 = window.versions.v2?.p99Ms ?? 0
  assert.ok(p99 > 10 && p99 <= 100, `v2's p99 lies in its only bucket (10-100 ms), got ${p99}`)
  assert.match(window.queries.requests, /max_over_time\(http_requests_total\{service="demo"\}\[\d+ms\]\)/)
})
