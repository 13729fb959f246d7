import assert from 'node:assert/strict'
import { test } from 'node:test'
import { LifecycleEnv, loadConfig } from '../src/config.ts'
import { decideDrain, drainPlan } from '../src/drain.ts'

const T0 = 10_000
const plan = (env: Record<string, string> = {}) => drainPlan(loadConfig(LifecycleEnv, env), T0)

test('defaults: no SHUTDOWN_* set means adaptive, a 1 s quiet period, the limit at 25 s - 10 s', () => {
  assert.deepEqual(plan(), { startedAt: T0, minMs: 0, quietMs: 1000, limitMs: 15_000 })
})

test('the listener stays open while arrivals continue, and closes one quiet period after the last', () => {
  const p = plan()
  // No arrival since the signal: quiet counts from the signal, not from an arrival long before it.
  assert.deepEqual(decideDrain(p, T0 + 400, T0 - 60_000), { close: false, waitMs: 600 })
  assert.deepEqual(decideDrain(p, T0 + 1000, T0 - 60_000), { close: true, reason: 'quiet' })
  // Arrivals 7 s after the signal (routers still sending): keep serving.
  assert.deepEqual(decideDrain(p, T0 + 7500, T0 + 7000), { close: false, waitMs: 500 })
  assert.deepEqual(decideDrain(p, T0 + 8000, T0 + 7000), { close: true, reason: 'quiet' })
})

test('SHUTDOWN_DELAY_MS is the minimum: quiet before it does not close', () => {
  const p = plan({ SHUTDOWN_DELAY_MS: '5000' })
  assert.deepEqual(decideDrain(p, T0 + 3000, T0), { close: false, waitMs: 2000 })
  assert.deepEqual(decideDrain(p, T0 + 5000, T0), { close: true, reason: 'quiet' })
  assert.deepEqual(decideDrain(p, T0 + 5000, T0 + 4500), { close: false, waitMs: 500 })
})

test('arrivals that never stop end at SHUTDOWN_TIMEOUT_MS minus REQUEST_TIMEOUT_MS', () => {
  const p = plan({ SHUTDOWN_TIMEOUT_MS: '20000', REQUEST_TIMEOUT_MS: '5000' })
  assert.equal(p.limitMs, 15_000)
  assert.deepEqual(decideDrain(p, T0 + 14_800, T0 + 14_700), { close: false, waitMs: 200 })
  assert.deepEqual(decideDrain(p, T0 + 15_000, T0 + 14_990), { close: true, reason: 'limit' })
  // A limit below the minimum delay: the delay wins (the config rules keep the deadline above it).
  assert.equal(plan({ SHUTDOWN_DELAY_MS: '8000', SHUTDOWN_TIMEOUT_MS: '12000' }).limitMs, 8000)
})

test('SHUTDOWN_QUIET_MS=0 is the fixed mode: close right after SHUTDOWN_DELAY_MS, whatever arrives', () => {
  const p = plan({ SHUTDOWN_QUIET_MS: '0', SHUTDOWN_DELAY_MS: '2000' })
  assert.deepEqual(decideDrain(p, T0 + 1500, T0 + 1499), { close: false, waitMs: 500 })
  assert.deepEqual(decideDrain(p, T0 + 2000, T0 + 1999), { close: true, reason: 'fixed' })
})
