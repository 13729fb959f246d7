import assert from 'node:assert/strict'
import { test } from 'node:test'
import { E2E, logIndex, startFixture } from '../helpers/process.ts'
import { RawConnection } from '../helpers/raw-connection.ts'

const DELAY_MS = 3000

// kube-proxy balances connections, so a keep-alive client keeps reaching a leaving pod
// until one side closes; only the server can move it, by answering `Connection: close`.
test(
  'during the delay, requests are served with Connection: close and keep-alive sockets are closed',
  E2E,
  async (t) => {
    const service = await startFixture(t, { SHUTDOWN_DELAY_MS: String(DELAY_MS) })
    const keepAlive = await RawConnection.open(service.port, t)

    const before = await keepAlive.request('/')
    assert.equal(before.status, 200)
    assert.equal(before.headers.connection, 'keep-alive', 'in rotation, connections are kept alive')

    const sentAt = service.signal('SIGTERM')
    await service.waitForLog('draining', (line) => line.msg?.startsWith('draining') === true)

    // The same socket, opened before SIGTERM: served, told to go, then closed by the server.
    const after = await keepAlive.request('/')
    assert.equal(after.status, 200)
    assert.equal(after.headers.connection, 'close')
    const closed = await keepAlive.closedByServer
    assert.equal(closed.error, undefined, 'the server should end the socket cleanly, not reset it')

    // A new connection (a router that has not caught up yet) is still accepted and served.
    const late = await RawConnection.open(service.port, t)
    const straggler = await late.request('/items/7')
    assert.equal(straggler.status, 200)
    assert.equal(straggler.headers.connection, 'close')
    assert.match(String(straggler.headers['x-served-by']), /^fixture@/)
    assert.equal((await late.closedByServer).error, undefined)

    assert.ok(performance.now() - sentAt < DELAY_MS, 'the checks above must run inside SHUTDOWN_DELAY_MS')
    assert.equal(
      logIndex(service.logs, 'closing the listener'),
      -1,
      'the listener closed before the delay ran out',
    )
    assert.equal((await service.exited).code, 0)
  },
)
