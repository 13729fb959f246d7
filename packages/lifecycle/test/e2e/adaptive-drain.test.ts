import assert from 'node:assert/strict'
import { type TestContext, test } from 'node:test'
import { request } from '../helpers/http.ts'
import { E2E, startFixture } from '../helpers/process.ts'
import { RawConnection } from '../helpers/raw-connection.ts'

// A router that lags: after SIGTERM it keeps sending new connections for ARRIVALS_MS, longer than
// SHUTDOWN_DELAY_MS (0 here). The adaptive drain sees them arrive and keeps the listener open; the fixed
// mode (SHUTDOWN_QUIET_MS=0) with the same delay is the control that refuses them.
const ARRIVALS_MS = 4000
// Larger than the default so a test process starved by a busy machine does not leave a gap this long.
const QUIET_MS = '2000'

interface Arrivals {
  ok: number
  failed: Record<string, number>
}

/** New connections one after another (each one request, Connection: close) for `ms` after SIGTERM. */
async function lateArrivals(t: TestContext, env: Record<string, string>) {
  const service = await startFixture(t, env)
  const sentAt = service.signal('SIGTERM')
  const arrivals: Arrivals = { ok: 0, failed: {} }
  while (performance.now() - sentAt < ARRIVALS_MS) {
    try {
      const response = await request(service.port, '/')
      if (response.status === 200) arrivals.ok++
      else arrivals.failed[`http ${response.status}`] = (arrivals.failed[`http ${response.status}`] ?? 0) + 1
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? 'other'
      arrivals.failed[code] = (arrivals.failed[code] ?? 0) + 1
    }
  }
  return { service, arrivals, lastSentAt: performance.now() }
}

test('adaptive drain: new connections that keep arriving after SIGTERM are all served', E2E, async (t) => {
  const { service, arrivals } = await lateArrivals(t, { SHUTDOWN_QUIET_MS: QUIET_MS })
  assert.deepEqual(arrivals.failed, {}, `served ${arrivals.ok}, failed ${JSON.stringify(arrivals.failed)}`)
  assert.ok(arrivals.ok > 0)
  const exit = await service.exited
  assert.equal(exit.code, 0)
  const closing = service.logs.find((line) => line.msg === 'closing the listener')
  assert.equal(closing?.drain, 'quiet', 'the drain should end because arrivals stopped')
  assert.ok(
    Number(closing?.sinceLastArrivalMs) >= Number(QUIET_MS),
    `closed ${closing?.sinceLastArrivalMs} ms after the last arrival, before the quiet period`,
  )
})

test('control: the fixed mode with the same delay refuses the same late connections', E2E, async (t) => {
  const { service, arrivals } = await lateArrivals(t, { SHUTDOWN_QUIET_MS: '0' })
  assert.ok(
    (arrivals.failed.ECONNREFUSED ?? 0) > 0,
    `no connection refused (served ${arrivals.ok}, failed ${JSON.stringify(arrivals.failed)})`,
  )
  assert.equal((await service.exited).code, 0)
  assert.equal(service.logs.find((line) => line.msg === 'closing the listener')?.drain, 'fixed')
})

test(
  'an idle keep-alive socket is closed while the listener still accepts, so its client can move',
  E2E,
  async (t) => {
    const service = await startFixture(t, { SHUTDOWN_QUIET_MS: QUIET_MS, KEEP_ALIVE_TIMEOUT_MS: '60000' })
    const idle = await RawConnection.open(service.port, t)
    const first = await idle.request('/')
    assert.equal(first.status, 200)
    assert.notEqual(first.headers.connection, 'close')

    const sentAt = service.signal('SIGTERM')
    let closedAt: number | undefined
    void idle.closedByServer.then(({ at }) => {
      closedAt = at
    })
    // Other clients keep arriving, so the drain goes on; the idle socket sees no request of its own.
    let servedAfterClose = 0
    while (performance.now() - sentAt < ARRIVALS_MS && servedAfterClose === 0) {
      const response = await request(service.port, '/')
      assert.equal(response.status, 200)
      if (closedAt !== undefined) servedAfterClose++
    }
    assert.ok(closedAt !== undefined, 'the idle keep-alive socket was still open while the drain went on')
    assert.equal(servedAfterClose, 1, 'a new connection was accepted after the idle socket was closed')
    assert.equal((await service.exited).code, 0)
  },
)
