import assert from 'node:assert/strict'
import { connect } from 'node:net'
import { test } from 'node:test'
import { E2E, startFixture } from '../helpers/process.ts'
import { RawConnection } from '../helpers/raw-connection.ts'

// A client that opened a connection and sent part of a request head, never the rest (a stalled or slowloris
// client): Node counts the socket as busy, so neither close() nor closeIdleConnections() ends it, and it used
// to hold the process until SHUTDOWN_TIMEOUT_MS, then exit 1. The sweep ends it; a real request that is in
// flight on another connection at the same time is still answered (the control: the sweep is not a blunt
// closeAllConnections).
test(
  'a half-sent request head does not hold the shutdown; a slow request in flight is still answered',
  E2E,
  async (t) => {
    const service = await startFixture(t, { SHUTDOWN_TIMEOUT_MS: '10000', KEEP_ALIVE_TIMEOUT_MS: '60000' })
    const stalled = connect({ host: '127.0.0.1', port: service.port })
    t.after(() => stalled.destroy())
    await new Promise((resolve) => stalled.once('connect', resolve))
    stalled.write('GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n')
    const stalledClosed = new Promise((resolve) => stalled.once('close', resolve))

    const connection = await RawConnection.open(service.port, t)
    const slow = connection.request('/slow?ms=1500')
    await service.waitForLog('slow request started', (line) => line.msg === 'slow request started')

    service.signal('SIGTERM')
    const response = await slow
    assert.equal(response.status, 200, 'the request in flight at the signal is answered')
    await stalledClosed
    const exit = await service.exited
    assert.equal(exit.code, 0, 'exit 0: the deadline was not needed')
    assert.equal(
      service.logs.find((line) => line.err?.code === 'ZDD_LIFECYCLE_SHUTDOWN_DEADLINE'),
      undefined,
      'no deadline report',
    )
  },
)
