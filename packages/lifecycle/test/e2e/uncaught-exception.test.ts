import assert from 'node:assert/strict'
import { test } from 'node:test'
import { request } from '../helpers/http.ts'
import { E2E, startFixture } from '../helpers/process.ts'

// After an uncaught exception the process state cannot be trusted: log it (as JSON, for the log pipeline)
// and exit non-zero so the pod is replaced.
test('an exception thrown outside any request is logged and exits non-zero', E2E, async (t) => {
  const service = await startFixture(t)
  // The throw is scheduled after the reply; whether the reply makes it out first does not matter here.
  await request(service.port, '/crash').catch(() => undefined)
  const exit = await service.exited
  assert.notEqual(exit.code, 0)
  assert.equal(exit.signal, null)
  const fatal = service.logs.find((line) => line.level === 60)
  assert.ok(fatal, `no fatal log line; stderr:\n${service.stderr()}`)
  assert.equal(fatal.err?.message, 'fixture crash outside any request')
  assert.match(String(fatal.msg), /uncaught exception/)
})
