import assert from 'node:assert/strict'
import { test } from 'node:test'
import { waitFor } from '@zdd/test-support'
import { request } from '../helpers/http.ts'
import { E2E, startFixture } from '../helpers/process.ts'

test('not ready until the registered start-up check resolves', E2E, async (t) => {
  const service = await startFixture(t, { FIXTURE_STARTUP_CHECK_MS: '1000' }, { ready: false })
  const first = await waitFor('/readyz to answer', () => request(service.managementPort, '/readyz'))
  assert.equal(first.status, 503, 'ready before the start-up check finished')
  assert.equal(JSON.parse(first.body).state, 'starting')
  await service.waitReady()
  const readyAt = service.logs.findIndex((line) => line.msg === 'ready')
  assert.notEqual(readyAt, -1)
})

test('a failing start-up check exits 1 naming the check', E2E, async (t) => {
  const service = await startFixture(t, { FIXTURE_STARTUP_CHECK_FAILS: 'true' }, { ready: false })
  const exit = await service.exited
  assert.equal(exit.code, 1)
  const fatal = service.logs.find((line) => line.err?.code === 'ZDD_LIFECYCLE_STARTUP_CHECK_FAILED')
  assert.ok(fatal, 'no ZDD_LIFECYCLE_STARTUP_CHECK_FAILED log line')
  assert.match(String(fatal.msg), /"warm-up" failed: cache unreachable/)
})

// a dependency outage fails readiness (out of rotation), never liveness (no restart).
test('a failing readiness check makes /readyz 503 naming the check; liveness stays up', E2E, async (t) => {
  const service = await startFixture(t)
  assert.equal((await request(service.port, '/upstream/down', 'PUT')).status, 200)
  const readyz = await request(service.managementPort, '/readyz')
  assert.equal(readyz.status, 503)
  assert.deepEqual(JSON.parse(readyz.body).checks, { upstream: false })
  assert.equal((await request(service.managementPort, '/livez')).status, 200)

  assert.equal((await request(service.port, '/upstream/up', 'PUT')).status, 200)
  const restored = await request(service.managementPort, '/readyz')
  assert.equal(restored.status, 200)
  assert.deepEqual(JSON.parse(restored.body).checks, { upstream: true })
})
