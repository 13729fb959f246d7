import assert from 'node:assert/strict'
import { test } from 'node:test'
import { E2E, logIndex, startFixture } from '../helpers/process.ts'

// drain, close, cleanup hooks in reverse order of registration, exit 0.
test(
  'SIGTERM logs draining → closing → hooks (last registered first) → shutdown complete, exit 0',
  E2E,
  async (t) => {
    const service = await startFixture(t, { FIXTURE_CLEANUP_HOOKS: 'flags-client,upstream-pool' })
    service.signal('SIGTERM')
    const exit = await service.exited
    assert.equal(exit.code, 0)

    const hookOrder = service.logs
      .filter((line) => line.msg === 'fixture cleanup hook ran')
      .map((line) => line.hook)
    assert.deepEqual(hookOrder, ['upstream-pool', 'flags-client'])

    const phases = [
      logIndex(service.logs, 'draining'),
      logIndex(service.logs, 'closing the listener'),
      service.logs.findIndex((line) => line.hook === 'upstream-pool'),
      service.logs.findIndex((line) => line.hook === 'flags-client'),
      logIndex(service.logs, 'shutdown complete'),
    ]
    assert.ok(
      phases.every((index, i) => index !== -1 && (i === 0 || index > (phases[i - 1] ?? -1))),
      `phases out of order or missing (log indexes ${phases.join(', ')}):\n${service.logs.map((l) => JSON.stringify(l)).join('\n')}`,
    )
    const errors = service.logs.filter((line) => (line.level ?? 0) >= 50)
    assert.deepEqual(errors, [], 'a clean shutdown logs no errors')
  },
)
