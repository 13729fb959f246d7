import assert from 'node:assert/strict'
import { test } from 'node:test'
import { E2E, startFixture } from '../helpers/process.ts'

// Config is validated once: every invalid variable is reported at once, by name, before anything binds.
test('bad env exits non-zero naming every bad variable in one error', E2E, async (t) => {
  const service = await startFixture(t, { PORT: 'abc', LOG_LEVEL: 'loud' }, { ready: false })
  const exit = await service.exited
  assert.notEqual(exit.code, 0)
  const stderr = service.stderr()
  assert.equal(stderr.match(/ZDD_LIFECYCLE_INVALID_CONFIG/g)?.length, 1, `one error expected:\n${stderr}`)
  assert.match(stderr, /^ {2}- PORT \(got "abc"\)/m)
  assert.match(stderr, /^ {2}- LOG_LEVEL \(got "loud"\)/m)
  assert.doesNotMatch(stderr, /MANAGEMENT_PORT/, 'only the bad variables are named')
  assert.deepEqual(service.logs, [], 'nothing should start (or log) with a bad configuration')
})

test('MANAGEMENT_PORT equal to PORT is rejected', E2E, async (t) => {
  const service = await startFixture(t, { PORT: '18080', MANAGEMENT_PORT: '18080' }, { ready: false })
  const exit = await service.exited
  assert.notEqual(exit.code, 0)
  assert.match(service.stderr(), /ZDD_LIFECYCLE_INVALID_CONFIG/)
  assert.match(service.stderr(), /^ {2}- MANAGEMENT_PORT \(got 18080\): must differ from PORT/m)
})
