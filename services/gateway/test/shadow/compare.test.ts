import assert from 'node:assert/strict'
import { test } from 'node:test'
import { compare } from '../../src/shadow/compare.ts'

const json = (status: number, value: unknown) => ({
  status,
  contentType: 'application/json; charset=utf-8',
  body: Buffer.from(JSON.stringify(value)),
})

test('JSON bodies are compared by value: key order and ignored fields do not matter', () => {
  assert.deepEqual(
    compare(
      json(200, { a: 1, b: { c: [1, 2], d: 'x' }, version: 'v1' }),
      json(200, { version: 'v2', b: { d: 'x', c: [1, 2] }, a: 1 }),
      ['version'],
    ),
    { match: true },
  )
  assert.deepEqual(compare(json(200, { a: [1, 2] }), json(200, { a: [2, 1] }), []), {
    match: false,
    reason: 'body',
  })
  assert.deepEqual(compare(json(200, { version: 'v1' }), json(200, { version: 'v2' }), []), {
    match: false,
    reason: 'body',
  })
})

test('a different status is a mismatch whatever the bodies; non-JSON bodies are compared as text', () => {
  assert.deepEqual(compare(json(200, {}), json(500, {}), []), { match: false, reason: 'status' })
  const text = (body: string) => ({ status: 200, contentType: 'text/plain', body: Buffer.from(body) })
  assert.deepEqual(compare(text('a'), text('a'), []), { match: true })
  assert.deepEqual(compare(text('{"a":1,"b":2}'), text('{"b":2,"a":1}'), []), {
    match: false,
    reason: 'body',
  })
})
