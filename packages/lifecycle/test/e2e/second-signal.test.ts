import assert from 'node:assert/strict'
import { test } from 'node:test'
import { E2E, startFixture } from '../helpers/process.ts'

const DELAY_MS = 10_000

// an operator's second Ctrl-C (or a second SIGTERM) must not wait for the drain.
test('a second signal exits at once with a non-zero code', E2E, async (t) => {
  const service = await startFixture(t, { SHUTDOWN_DELAY_MS: String(DELAY_MS), SHUTDOWN_TIMEOUT_MS: '20000' })
  const firstAt = service.signal('SIGTERM')
  await service.waitForLog('draining', (line) => line.msg?.startsWith('draining') === true)
  const secondAt = service.signal('SIGTERM')

  const exit = await service.exited
  assert.equal(exit.code, 143, 'a second SIGTERM exits 128 + 15')
  assert.ok(exit.at - secondAt < 2000, `took ${(exit.at - secondAt).toFixed(0)} ms after the second signal`)
  assert.ok(exit.at - firstAt < DELAY_MS / 2, 'the process waited for the drain delay')
  assert.ok(
    service.logs.some((line) => line.level === 40 && line.signal === 'SIGTERM'),
    'the second signal should be logged as a warning',
  )
})
