import assert from 'node:assert/strict'
import { test } from 'node:test'
import {
  classifyError,
  parseServedBy,
  percentile,
  type RequestRecord,
  splitPhases,
  tally,
} from '@zdd/rollout'

test('x-served-by gives version and pod', () => {
  assert.deepEqual(parseServedBy('catalog@v2/catalog-v2-0004'), { version: 'v2', pod: 'catalog-v2-0004' })
  assert.deepEqual(parseServedBy(undefined), {})
  assert.deepEqual(parseServedBy('garbage'), {})
})

test('transport errors are classified by kind', () => {
  assert.equal(classifyError({ code: 'ECONNREFUSED' }).failure, 'refused')
  assert.equal(classifyError({ code: 'ECONNRESET' }).failure, 'reset')
  assert.equal(classifyError({ code: 'UND_ERR_SOCKET' }).failure, 'reset')
  assert.equal(classifyError({ code: 'UND_ERR_HEADERS_TIMEOUT' }).failure, 'timeout')
  assert.deepEqual(classifyError({ code: 'EWHATEVER' }), { failure: 'other', code: 'EWHATEVER' })
})

test('tally counts failures by kind and responses by version; phases split on the rollout window', () => {
  const records: RequestRecord[] = [
    { tMs: 10, latencyMs: 1, status: 200, version: 'v1' },
    { tMs: 20, latencyMs: 2, failure: 'reset' },
    { tMs: 30, latencyMs: 3, status: 503, failure: 'http_5xx', version: 'v1' },
    { tMs: 40, latencyMs: 4, status: 200, version: 'v2' },
  ]
  const all = tally(records)
  assert.deepEqual(all, {
    total: 4,
    ok: 2,
    failed: 2,
    failures: { reset: 1, http_5xx: 1 },
    versions: { v1: 2, v2: 1 },
  })
  const phases = splitPhases(records, 15, 35)
  assert.deepEqual([phases.before.total, phases.during.total, phases.after.total], [1, 2, 1])
  assert.equal(phases.during.failed, 2)
})

test('percentiles use the nearest rank', () => {
  const values = Array.from({ length: 100 }, (_, i) => i + 1)
  assert.equal(percentile(values, 50), 50)
  assert.equal(percentile(values, 99), 99)
  assert.equal(percentile([], 99), 0)
})
