import assert from 'node:assert/strict'
import { test } from 'node:test'
import { request } from '../helpers/http.ts'
import { E2E, startFixture } from '../helpers/process.ts'

// the first thing SIGTERM does is fail readiness, so health-checking load
// balancers start moving away while the delay keeps serving.
test('/readyz answers 503 within 100 ms of SIGTERM, while the delay keeps the process up', E2E, async (t) => {
  const service = await startFixture(t, { SHUTDOWN_DELAY_MS: '1500' })
  assert.equal((await request(service.managementPort, '/readyz')).status, 200)

  const sentAt = service.signal('SIGTERM')
  let firstNotReadyAt: number | undefined
  let body = ''
  while (firstNotReadyAt === undefined && performance.now() - sentAt < 1000) {
    const response = await request(service.managementPort, '/readyz')
    if (response.status === 503) {
      firstNotReadyAt = performance.now()
      body = response.body
    }
  }
  assert.ok(firstNotReadyAt !== undefined, '/readyz never answered 503 in the first second after SIGTERM')
  const elapsed = firstNotReadyAt - sentAt
  assert.ok(elapsed < 100, `/readyz took ${elapsed.toFixed(1)} ms to fail after SIGTERM (bound: 100 ms)`)
  assert.equal(JSON.parse(body).state, 'draining')

  // Liveness stays up while draining: a restart now would cut the requests the delay is there to serve.
  assert.equal((await request(service.managementPort, '/livez')).status, 200)
  const exit = await service.exited
  assert.equal(exit.code, 0)
  assert.ok(exit.at - sentAt >= 1500, 'the process left before SHUTDOWN_DELAY_MS ran out')
})
