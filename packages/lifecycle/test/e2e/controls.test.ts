import assert from 'node:assert/strict'
import { test } from 'node:test'
import { request } from '../helpers/http.ts'
import { E2E, startFixture } from '../helpers/process.ts'

test('management controls are off by default', E2E, async (t) => {
  const service = await startFixture(t)
  assert.equal((await request(service.managementPort, '/control/readiness/fail', 'POST')).status, 404)
  assert.equal((await request(service.managementPort, '/control/liveness/fail', 'POST')).status, 404)
  assert.equal((await request(service.managementPort, '/readyz')).status, 200)
  assert.equal((await request(service.managementPort, '/livez')).status, 200)
})

test('MANAGEMENT_CONTROLS=true forces readiness and liveness to fail, and restores them', E2E, async (t) => {
  const service = await startFixture(t, { MANAGEMENT_CONTROLS: 'true' })
  const status = async (path: string) => (await request(service.managementPort, path)).status
  const control = async (path: string) => {
    const response = await request(service.managementPort, path, 'POST')
    assert.equal(response.status, 200, `POST ${path}`)
  }

  await control('/control/readiness/fail')
  const readyz = await request(service.managementPort, '/readyz')
  assert.equal(readyz.status, 503)
  assert.equal(JSON.parse(readyz.body).forcedNotReady, true)
  assert.equal(await status('/livez'), 200, 'failing readiness must not fail liveness')
  await control('/control/readiness/restore')
  assert.equal(await status('/readyz'), 200)

  await control('/control/liveness/fail')
  assert.equal(await status('/livez'), 503)
  assert.equal(await status('/readyz'), 200, 'failing liveness is not a readiness change')
  await control('/control/liveness/restore')
  assert.equal(await status('/livez'), 200)
})
