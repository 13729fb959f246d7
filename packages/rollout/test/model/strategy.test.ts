import assert from 'node:assert/strict'
import { test } from 'node:test'
import { parseIntOrPercent, resolveOptions, resolveRolling } from '@zdd/rollout'

test('maxSurge rounds up and maxUnavailable rounds down, as the Deployment controller does', () => {
  assert.deepEqual(resolveRolling(3, '25%', '25%'), { maxSurge: 1, maxUnavailable: 0 })
  assert.deepEqual(resolveRolling(10, '25%', '25%'), { maxSurge: 3, maxUnavailable: 2 })
  assert.deepEqual(resolveRolling(4, '50%', '0%'), { maxSurge: 2, maxUnavailable: 0 })
  assert.deepEqual(resolveRolling(5, 0, 1), { maxSurge: 0, maxUnavailable: 1 })
})

test('a rollout that could never progress is rejected, naming the fields', () => {
  const never = /maxSurge and maxUnavailable both resolve to 0 with 3 replicas/
  assert.throws(() => resolveRolling(3, 0, '25%'), never)
  assert.throws(() => resolveRolling(3, 0, 0), never)
  // The rolling scenario's own check, through the options.
  const service = { name: 'catalog', entry: '/dev/null', path: '/' }
  assert.throws(
    () => resolveOptions({ service, scenario: { kind: 'rolling', maxSurge: 0, maxUnavailable: '25%' } }),
    never,
  )
  assert.deepEqual(
    resolveOptions({ service, scenario: { kind: 'rolling', maxSurge: 1, maxUnavailable: 0 } }).strategy,
    {
      type: 'RollingUpdate',
      maxSurge: 1,
      maxUnavailable: 0,
    },
  )
})

test('counts and percentages parse; anything else names the option', () => {
  assert.equal(parseIntOrPercent('maxSurge', '2'), 2)
  assert.equal(parseIntOrPercent('maxSurge', '30%'), '30%')
  assert.throws(() => parseIntOrPercent('maxSurge', 'lots'), /maxSurge.*"lots"/)
})

test('run options: defaults filled, bad values rejected with the option name', () => {
  const service = { name: 'catalog', entry: '/dev/null', path: '/' }
  const options = resolveOptions({ service })
  assert.equal(options.replicas, 3)
  assert.equal(options.shutdownDelayMs, 0, "the lifecycle's default: the adaptive drain alone")
  assert.throws(() => resolveOptions({ service, replicas: 0 }), /replicas/)
  assert.throws(
    () => resolveOptions({ service, propagationDelayMs: 100, propagationJitterMs: 200 }),
    /propagationJitterMs/,
  )
  assert.throws(() => resolveOptions({ service, fromVersion: 'v1', toVersion: 'v1' }), /toVersion/)
})
