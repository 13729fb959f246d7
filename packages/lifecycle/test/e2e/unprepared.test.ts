import assert from 'node:assert/strict'
import { type TestContext, test } from 'node:test'
import { waitFor } from '@zdd/test-support'
import { tryConnect } from '../helpers/http.ts'
import { E2E, startFixture } from '../helpers/process.ts'

const DELAY_MS = 5000

/** How long after SIGTERM new connections to the traffic port start being refused (or undefined). */
async function refusedAfterSigterm(t: TestContext, env: Record<string, string>) {
  const service = await startFixture(t, { SHUTDOWN_DELAY_MS: String(DELAY_MS), ...env })
  const sentAt = service.signal('SIGTERM')
  const refusedAt = await waitFor(
    'ECONNREFUSED on the traffic port',
    async () => ((await tryConnect(service.port)) === 'ECONNREFUSED' ? performance.now() : undefined),
    { timeoutMs: 1000, intervalMs: 10 },
  ).catch(() => undefined)
  return { service, refusedAfterMs: refusedAt === undefined ? undefined : refusedAt - sentAt }
}

// The control the rollout proofs compare against: what most code in the wild does on SIGTERM.
test('SHUTDOWN_MODE=unprepared closes the listener at once on SIGTERM', E2E, async (t) => {
  const { service, refusedAfterMs } = await refusedAfterSigterm(t, { SHUTDOWN_MODE: 'unprepared' })
  assert.ok(refusedAfterMs !== undefined, 'connections were still accepted 1 s after SIGTERM')
  assert.ok(refusedAfterMs < 1000)
  const exit = await service.exited
  assert.equal(exit.code, 0)
})

test(
  'graceful mode, same delay and probe: connections are still accepted a second after SIGTERM',
  E2E,
  async (t) => {
    const { refusedAfterMs } = await refusedAfterSigterm(t, { SHUTDOWN_MODE: 'graceful' })
    assert.equal(refusedAfterMs, undefined, `refused ${refusedAfterMs?.toFixed(0)} ms after SIGTERM`)
  },
)
