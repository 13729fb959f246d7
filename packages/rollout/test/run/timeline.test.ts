import assert from 'node:assert/strict'
import { test } from 'node:test'
import { perVersion, type RequestRecord, timeline } from '@zdd/rollout'

const records: RequestRecord[] = [
  { tMs: 1000, latencyMs: 1, status: 200, version: 'v1' },
  { tMs: 1100, latencyMs: 1, status: 200, version: 'v1' },
  { tMs: 1300, latencyMs: 1, failure: 'reset', routedTo: 'catalog-v1-0001' },
  { tMs: 1400, latencyMs: 1, failure: 'reset', routedTo: '' },
  { tMs: 1600, latencyMs: 1, status: 200, version: 'v2' },
  { tMs: 1700, latencyMs: 1, failure: 'refused' },
]

test('the timeline buckets requests from the first send: ok by version, failures by kind', () => {
  const t = timeline(records, 250)
  assert.equal(t.bucketMs, 250)
  assert.deepEqual(
    t.buckets.map((b) => [b.tMs, b.sent, b.ok, b.failed]),
    [
      [1000, 2, 2, 0],
      [1250, 2, 0, 2],
      [1500, 2, 1, 1],
    ],
  )
  assert.deepEqual(t.buckets[0]?.versions, { v1: 2 })
  assert.deepEqual(t.buckets[1]?.failures, { reset: 2 })
  assert.equal(t.endMs, 1840, 'the last send plus one send interval')
  assert.deepEqual(timeline([], 250), { bucketMs: 250, endMs: 0, buckets: [] })
})

test('failures count for the version of the pod their connection reached, or say why they cannot', () => {
  const versions = perVersion(records, (pod) => (pod === 'catalog-v1-0001' ? 'v1' : undefined))
  assert.deepEqual(versions, {
    v1: { ok: 2, failed: 1 },
    'no endpoint': { ok: 0, failed: 1 },
    v2: { ok: 1, failed: 0 },
    unattributed: { ok: 0, failed: 1 },
  })
})
