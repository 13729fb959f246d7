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
    const response = await request(service.managementPort, path, 'POST', {
      headers: { 'x-zdd-control': '1' },
    })
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

test(
  'a control needs the x-zdd-control header: a cross-site form POST or a bare POST changes nothing',
  E2E,
  async (t) => {
    const service = await startFixture(t, { MANAGEMENT_CONTROLS: 'true' })
    // What a page on another site can send without a CORS preflight: form encodings, text/plain, no body.
    const simple = [
      { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'a=1' },
      { headers: { 'content-type': 'text/plain' }, body: 'a=1' },
      { headers: { 'content-type': 'multipart/form-data; boundary=x' }, body: '--x--\r\n' },
      {},
    ]
    for (const extra of simple) {
      const response = await request(service.managementPort, '/control/readiness/fail', 'POST', extra)
      assert.equal(response.status, 403, JSON.stringify(extra))
      assert.equal(JSON.parse(response.body).code, 'ZDD_LIFECYCLE_CONTROL_HEADER_REQUIRED')
    }
    assert.equal((await request(service.managementPort, '/readyz')).status, 200, 'still ready')
    const sent = await request(service.managementPort, '/control/readiness/fail', 'POST', {
      headers: { 'x-zdd-control': '1' },
    })
    assert.equal(sent.status, 200)
    assert.equal((await request(service.managementPort, '/readyz')).status, 503)
  },
)
