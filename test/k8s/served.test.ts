// The paths the gateway checks compare against, read from the service sources (lib/served.ts): if the
// reading broke, every route would look unserved (loud) or served (silent). These pin it down.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { PAGE_PATHS, servedPaths, serves } from './lib/served.ts'

test('GET routes are read from each backend, :params matching one segment', () => {
  assert.deepEqual(servedPaths('catalog').sort(), ['/products', '/products/:id'])
  assert.deepEqual(servedPaths('recommendations'), ['/recommendations'])
  assert.ok(serves('catalog', '/products?limit=2'))
  assert.ok(serves('catalog', '/products/p-100'))
  assert.ok(!serves('catalog', '/products/p-100/reviews'))
  assert.ok(!serves('catalog', '/product'))
  assert.ok(!serves('recommendations', '/recommendation'))
})

test("the gateway page's own requests are found, its /_zdd paths left out", () => {
  assert.ok(PAGE_PATHS.includes('/api/catalog/products'))
  assert.ok(PAGE_PATHS.includes('/api/recommendations'))
  assert.ok(PAGE_PATHS.every((path) => !path.startsWith('/_zdd')))
})
