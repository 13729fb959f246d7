import assert from 'node:assert/strict'
import { test } from 'node:test'
import { mergeBaggage } from '../../src/proxy/baggage.ts'

const ours = { 'zdd.user': 'u 1', 'zdd.track': 'canary', 'zdd.variant': 'none' }

test('our members are appended, percent-encoded, replacing incoming ones with the same key', () => {
  assert.equal(mergeBaggage(undefined, ours), 'zdd.user=u%201,zdd.track=canary,zdd.variant=none')
  assert.equal(
    mergeBaggage(['a=1;p=q', ' zdd.track=stable , b=2'], ours),
    'a=1;p=q,b=2,zdd.user=u%201,zdd.track=canary,zdd.variant=none',
  )
})

test('malformed members are dropped and the W3C limits are kept', () => {
  assert.equal(mergeBaggage('novalue,=x,,ok=1', { k: 'v' }), 'ok=1,k=v')
  const many = Array.from({ length: 100 }, (_, i) => `m${i}=${i}`).join(',')
  assert.equal(mergeBaggage(many, ours).split(',').length, 64)
  assert.ok(mergeBaggage(`big=${'x'.repeat(9000)},small=1`, ours).length <= 8192)
})
