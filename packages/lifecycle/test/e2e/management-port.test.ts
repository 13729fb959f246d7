import assert from 'node:assert/strict'
import { test } from 'node:test'
import { request } from '../helpers/http.ts'
import { E2E, startFixture } from '../helpers/process.ts'

// probes and metrics live on a port no Service or Ingress exposes.
test('probes and metrics are on the management port only', E2E, async (t) => {
  const service = await startFixture(t)
  for (const path of ['/livez', '/readyz', '/metrics']) {
    assert.equal((await request(service.port, path)).status, 404, `traffic port exposes ${path}`)
    assert.equal((await request(service.managementPort, path)).status, 200, `management port lacks ${path}`)
  }
})

// RED metrics by route template (bounded cardinality), plus the lifecycle state.
test('/metrics counts requests by route template, never by raw URL', E2E, async (t) => {
  const service = await startFixture(t)
  for (const id of ['42', '43']) assert.equal((await request(service.port, `/items/${id}`)).status, 200)

  const metrics = await request(service.managementPort, '/metrics')
  assert.match(String(metrics.headers['content-type']), /^text\/plain/)
  const text = metrics.body
  const itemsCounter = text
    .split('\n')
    .find((line) => line.startsWith('http_requests_total{') && line.includes('route="/items/:id"'))
  assert.ok(itemsCounter, `no http_requests_total series for route="/items/:id" in:\n${text}`)
  assert.match(itemsCounter, /method="GET"/)
  assert.match(itemsCounter, /status_code="200"/)
  assert.match(itemsCounter, / 2$/)
  assert.doesNotMatch(text, /\/items\/4[23]/, 'raw URLs must never become label values')
  assert.match(text, /^http_request_duration_seconds_bucket\{[^}]*route="\/items\/:id"/m)
  assert.match(text, /^http_request_duration_seconds_count\{[^}]*route="\/items\/:id"[^}]*\} 2$/m)
  assert.match(text, /^lifecycle_state\{[^}]*state="ready"[^}]*\} 1$/m)
  assert.match(text, /^lifecycle_state\{[^}]*state="draining"[^}]*\} 0$/m)
  assert.match(text, /^http_requests_in_flight(\{[^}]*\})? 0$/m)
})
