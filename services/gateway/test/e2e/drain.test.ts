import assert from 'node:assert/strict'
import { test } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { flagsFile } from '../helpers/flags.ts'
import { E2E, startGateway } from '../helpers/gateway.ts'
import { send } from '../helpers/http.ts'
import { catalogRoutes } from '../helpers/routes.ts'
import { sendJson, startUpstream } from '../helpers/upstream.ts'

test(
  'readiness waits for flags; on SIGTERM a proxied request in flight finishes, then pools close and it exits 0',
  E2E,
  async (t) => {
    const upstream = await startUpstream(t, 'catalog', {
      handler: async (_request, response) => {
        await sleep(800, undefined, { ref: false })
        sendJson(response, 200, { slow: true })
      },
    })
    const flags = await flagsFile(t, {})
    const gateway = await startGateway(t, {
      routes: catalogRoutes(upstream),
      env: { FLAGS_FILE: flags.path, SHUTDOWN_DELAY_MS: '200' },
    })
    const readiness = (await (await fetch(`http://127.0.0.1:${gateway.managementPort}/readyz`)).json()) as {
      checks: Record<string, boolean>
    }
    assert.deepEqual(readiness.checks, { flags: true })

    const pending = send(gateway.port, '/api/catalog/products', { headers: { connection: 'keep-alive' } })
    while (upstream.seen.length === 0) await sleep(10)
    gateway.child.kill('SIGTERM')
    const answer = await pending
    assert.equal(answer.status, 200)
    assert.deepEqual(JSON.parse(answer.body), { slow: true })
    assert.equal(answer.headers.connection, 'close', 'draining responses move keep-alive clients away')

    const exit = await gateway.exited
    assert.equal(exit.code, 0)
    assert.ok(gateway.logs.some((line) => line.msg === 'shutdown complete'))
    // Cleanup hooks run after the listener closed and the request finished: the upstream pools close last.
    const closed = gateway.logs.findIndex((line) => line.msg === 'upstream pools closed')
    assert.ok(closed > gateway.logs.findIndex((line) => line.msg === 'closing the listener'))
    assert.ok(closed < gateway.logs.findIndex((line) => line.msg === 'shutdown complete'))
  },
)
