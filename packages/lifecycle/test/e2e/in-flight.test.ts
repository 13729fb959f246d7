import assert from 'node:assert/strict'
import { test } from 'node:test'
import { E2E, logIndex, startFixture } from '../helpers/process.ts'
import { RawConnection } from '../helpers/raw-connection.ts'

// close() must wait for in-flight work (no forceCloseConnections).
test('a request in flight at SIGTERM completes with 200, then the process exits 0', E2E, async (t) => {
  const service = await startFixture(t, { SHUTDOWN_DELAY_MS: '100' })
  const connection = await RawConnection.open(service.port, t)

  const pending = connection.request('/slow?ms=1500')
  await service.waitForLog('slow request started', (line) => line.msg === 'slow request started')
  const sentAt = service.signal('SIGTERM')

  const response = await pending
  const answeredAt = performance.now()
  assert.equal(response.status, 200)
  assert.deepEqual(JSON.parse(response.body), { sleptMs: 1500 })
  assert.equal(response.headers.connection, 'close')
  assert.notEqual(
    logIndex(service.logs, 'closing the listener'),
    -1,
    'the listener should have closed while the request was still running',
  )

  const exit = await service.exited
  assert.equal(exit.code, 0)
  assert.ok(exit.at >= answeredAt, 'the process exited before the in-flight request was answered')
  assert.ok(answeredAt - sentAt > 500, 'the request should still have been running when SIGTERM arrived')
})
