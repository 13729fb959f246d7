import assert from 'node:assert/strict'
import { test } from 'node:test'
import { loadConfig } from '@zdd/lifecycle'
import { CatalogEnv } from '../src/config.ts'

test('CatalogEnv: the lifecycle defaults plus CATALOG_LATENCY_MS=0', () => {
  const config = loadConfig(CatalogEnv, {})
  assert.equal(config.CATALOG_LATENCY_MS, 0)
  assert.equal(config.PORT, 8080)
  assert.equal(config.SHUTDOWN_MODE, 'graceful')
  assert.ok(Object.isFrozen(config))
})

test('CATALOG_LATENCY_MS is read as a number', () => {
  assert.equal(loadConfig(CatalogEnv, { CATALOG_LATENCY_MS: '250' }).CATALOG_LATENCY_MS, 250)
})

test('a bad CATALOG_LATENCY_MS is reported together with bad lifecycle variables', () => {
  assert.throws(
    () => loadConfig(CatalogEnv, { CATALOG_LATENCY_MS: '9000', PORT: 'abc' }),
    (err: Error & { code?: string }) => {
      assert.equal(err.code, 'ZDD_LIFECYCLE_INVALID_CONFIG')
      assert.match(err.message, /^ {2}- CATALOG_LATENCY_MS \(got "9000"\): .*0-5000 ms/m)
      assert.match(err.message, /^ {2}- PORT \(got "abc"\)/m)
      return true
    },
  )
})
