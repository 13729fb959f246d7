// A canary step's verdict from counts: Wilson intervals against known values, and each outcome beside the
// sample that just misses it.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { judge, leastRequests, wilson } from '@zdd/rollout'

const close = (actual: number, expected: number) =>
  assert.ok(Math.abs(actual - expected) < 5e-4, `${actual} is not ${expected}`)

test('Wilson intervals: the textbook values', () => {
  const [low0, high0] = wilson(0, 10, 1.96)
  close(low0, 0)
  close(high0, 0.2775)
  const [low5, high5] = wilson(5, 100, 1.96)
  close(low5, 0.0215)
  close(high5, 0.1118)
  assert.deepEqual(wilson(0, 0, 1.96), [0, 1], 'no requests: nothing is known')
})

test('the least requests: the first count with which a flawless canary can pass, and one fewer cannot', () => {
  const n = leastRequests(0.01, 0.95)
  assert.equal(n, 381)
  const stable = { requests: 10_000, errors: 0, p99Ms: 20 }
  assert.equal(judge({ requests: n, errors: 0, p99Ms: 20 }, stable).outcome, 'pass')
  const below = judge({ requests: n - 1, errors: 0, p99Ms: 20 }, stable, { minRequests: 1 })
  assert.equal(below.outcome, 'inconclusive', below.reason)
})

test('a canary that got no traffic, or too little, is never passed', () => {
  const stable = { requests: 5000, errors: 0, p99Ms: 20 }
  const idle = judge({ requests: 0, errors: 0, p99Ms: 0 }, stable)
  assert.equal(idle.outcome, 'inconclusive')
  assert.match(idle.reason, /^0 canary requests, fewer than the 381 a decision needs/)
  assert.equal(judge({ requests: 100, errors: 0, p99Ms: 20 }, stable).outcome, 'inconclusive')
  assert.equal(judge({ requests: 1000, errors: 0, p99Ms: 20 }, stable).outcome, 'pass', 'the control')
})

test('a worse error ratio fails once the sample shows it, and waits while it cannot', () => {
  const stable = { requests: 5000, errors: 5, p99Ms: 20 }
  const bad = judge({ requests: 500, errors: 30, p99Ms: 20 }, stable)
  assert.equal(bad.outcome, 'fail')
  assert.match(
    bad.reason,
    /error ratio worse than the stable's by more than 1\.00%: canary 30\/500 errors \(6\.00%/,
  )
  assert.equal(
    judge({ requests: 20, errors: 1, p99Ms: 20 }, stable).outcome,
    'inconclusive',
    'one error in 20',
  )
  assert.equal(
    judge({ requests: 40, errors: 20, p99Ms: 20 }, stable).outcome,
    'fail',
    'glaring: before the minimum',
  )
  const same = judge({ requests: 5000, errors: 6, p99Ms: 20 }, stable)
  assert.equal(same.outcome, 'pass', `as good as the stable: ${same.reason}`)
})

test('p99 over the ratio fails; within it passes', () => {
  const stable = { requests: 5000, errors: 0, p99Ms: 40 }
  assert.equal(judge({ requests: 1000, errors: 0, p99Ms: 200 }, stable).outcome, 'fail')
  assert.equal(judge({ requests: 1000, errors: 0, p99Ms: 70 }, stable).outcome, 'pass', '1.5 × 40 + 10 = 70')
  assert.equal(judge({ requests: 1000, errors: 0, p99Ms: 71 }, stable).outcome, 'fail')
})
