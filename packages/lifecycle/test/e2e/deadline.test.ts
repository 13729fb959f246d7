import assert from 'node:assert/strict'
import { test } from 'node:test'
import { E2E, startFixture } from '../helpers/process.ts'
import { RawConnection } from '../helpers/raw-connection.ts'

const TIMEOUT_MS = 1000

// a hard deadline below the grace period exits 1 and says what was still open.
test('SHUTDOWN_TIMEOUT_MS shorter than an in-flight request exits 1 naming the request', E2E, async (t) => {
  const service = await startFixture(t, { SHUTDOWN_TIMEOUT_MS: String(TIMEOUT_MS) })
  const connection = await RawConnection.open(service.port, t)
  // The process exits under it: the request is expected to break, not to be answered.
  const pending = connection.request('/slow?ms=8000').then(
    () => 'answered',
    () => 'broken',
  )
  await service.waitForLog('slow request started', (line) => line.msg === 'slow request started')

  const sentAt = service.signal('SIGTERM')
  const exit = await service.exited
  assert.equal(exit.code, 1)
  const elapsed = exit.at - sentAt
  assert.ok(elapsed >= TIMEOUT_MS - 50, `exited after ${elapsed.toFixed(0)} ms, before the deadline`)
  assert.ok(elapsed < 5000, `exited after ${elapsed.toFixed(0)} ms: the deadline did not cut the wait short`)
  assert.equal(await pending, 'broken')

  const report = service.logs.find((line) => line.err?.code === 'ZDD_LIFECYCLE_SHUTDOWN_DEADLINE')
  assert.ok(report, 'no log line with code ZDD_LIFECYCLE_SHUTDOWN_DEADLINE')
  assert.equal(report.level, 50)
  assert.match(String(report.msg), /GET \/slow\?ms=8000/)
  assert.match(String(report.msg), /1 in-flight request/)
})
