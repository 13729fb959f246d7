import assert from 'node:assert/strict'
import { test } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { E2E, startFixture, terminateDuring } from '../helpers/process.ts'
import { RawConnection } from '../helpers/raw-connection.ts'

// fastify/fastify#7044: a socket busy when close() is called and idle afterwards is not closed by close();
// without the periodic reaper the server would stay open for KEEP_ALIVE_TIMEOUT_MS.
test('a keep-alive socket that goes idle after close() is reaped, so shutdown finishes', E2E, async (t) => {
  const service = await startFixture(t, { KEEP_ALIVE_TIMEOUT_MS: '60000' })
  const connection = await RawConnection.open(service.port, t)

  // Hijacked: answered without Connection: close, so only the reaper can close this socket.
  const pending = connection.request('/hijacked?ms=800')
  await terminateDuring(service, 'hijacked request started')

  const response = await pending
  const answeredAt = performance.now()
  assert.equal(response.status, 200)
  assert.notEqual(response.headers.connection, 'close', 'the fixture should leave this socket keep-alive')

  const closed = await Promise.race([connection.closedByServer, sleep(5000, undefined, { ref: false })])
  assert.ok(closed, 'the idle socket was still open 5 s after its response')
  assert.ok(
    closed.at - answeredAt < 2000,
    `reaped ${(closed.at - answeredAt).toFixed(0)} ms after going idle`,
  )
  assert.equal((await service.exited).code, 0)
})
