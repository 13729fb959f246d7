import assert from 'node:assert/strict'
import { test } from 'node:test'
import { E2E, startFixture, terminateDuring } from '../helpers/process.ts'
import { RawConnection } from '../helpers/raw-connection.ts'

// close() leaves busy sockets open, and requests can still arrive on them. Fastify's
// default (return503OnClosing) answers those with 503; the lifecycle serves them, with Connection: close.
test(
  'a request arriving on a busy connection after close() is served with Connection: close, not 503',
  E2E,
  async (t) => {
    const service = await startFixture(t)
    const connection = await RawConnection.open(service.port, t)

    // The first response is hijacked, so it leaves the connection open (Connection: close on it would make
    // the server drop anything pipelined behind it, which HTTP allows: clients retry those).
    const first = connection.request('/hijacked?ms=1500')
    await terminateDuring(service, 'hijacked request started')
    const straggler = connection.request('/items/9')

    assert.equal((await first).status, 200)
    const response = await straggler
    assert.equal(response.status, 200, `straggler answered ${response.status}: ${response.body}`)
    assert.deepEqual(JSON.parse(response.body), { id: '9' })
    assert.equal(response.headers.connection, 'close')
    assert.equal((await service.exited).code, 0)
  },
)
