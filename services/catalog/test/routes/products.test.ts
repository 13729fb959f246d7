import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { LightMyRequestResponse } from 'fastify'
import { build, TEST_ENV } from '../helper.ts'

const SERVED_BY = `catalog@${TEST_ENV.APP_VERSION}/${TEST_ENV.POD_NAME}`

/** Error bodies are for clients: the documented fields, never a stack trace or a source path. */
function assertCleanError(response: LightMyRequestResponse, statusCode: number, code: string) {
  assert.equal(response.statusCode, statusCode)
  assert.match(String(response.headers['content-type']), /^application\/json/)
  const body = response.json()
  assert.equal(body.statusCode, statusCode)
  assert.equal(body.code, code)
  assert.equal(typeof body.message, 'string')
  assert.deepEqual(Object.keys(body).sort(), ['code', 'error', 'message', 'statusCode'])
  assert.doesNotMatch(response.body, /\bat .+:\d+:\d+|node_modules|\.ts\b|stack/)
}

test('GET /products lists every product with the version', async (t) => {
  const app = await build(t)
  const response = await app.inject({ method: 'GET', url: '/products' })
  assert.equal(response.statusCode, 200)
  assert.equal(response.headers['x-served-by'], SERVED_BY)
  const body = response.json()
  assert.equal(body.version, TEST_ENV.APP_VERSION)
  assert.equal(body.items.length, 5)
  assert.deepEqual(body.items[0], { id: 'p-100', name: 'Blue-green mug', priceCents: 1200 })
})

test('GET /products/:id returns the product, served by catalog@<APP_VERSION>/<POD_NAME>', async (t) => {
  const app = await build(t)
  const response = await app.inject({ method: 'GET', url: '/products/p-101' })
  assert.equal(response.statusCode, 200)
  assert.equal(response.headers['x-served-by'], SERVED_BY)
  assert.deepEqual(response.json(), {
    version: TEST_ENV.APP_VERSION,
    item: { id: 'p-101', name: 'Canary sticker pack', priceCents: 400 },
  })
})

test('an unknown id is a 404 with ZDD_CATALOG_PRODUCT_NOT_FOUND saying what to do', async (t) => {
  const app = await build(t)
  const response = await app.inject({ method: 'GET', url: '/products/p-999' })
  assertCleanError(response, 404, 'ZDD_CATALOG_PRODUCT_NOT_FOUND')
  assert.match(response.json().message, /"p-999".*GET \/products/)
  assert.equal(response.headers['x-served-by'], SERVED_BY)
})

test('an invalid id is a 400 validation error', async (t) => {
  const app = await build(t)
  const response = await app.inject({ method: 'GET', url: '/products/BAD!' })
  assertCleanError(response, 400, 'FST_ERR_VALIDATION')
  assert.match(response.json().message, /params\/id/)
})

test('CATALOG_LATENCY_MS delays every /products answer', async (t) => {
  const app = await build(t, { CATALOG_LATENCY_MS: '150' })
  for (const url of ['/products', '/products/p-100']) {
    const startedAt = performance.now()
    const response = await app.inject({ method: 'GET', url })
    assert.equal(response.statusCode, 200)
    assert.ok(performance.now() - startedAt >= 140, `${url} answered before CATALOG_LATENCY_MS`)
  }
})

test('CATALOG_ERROR_PERCENT fails that share of /products, spread evenly; 0 fails none (the control)', async (t) => {
  const statuses = async (env: Record<string, string>) => {
    const app = await build(t, env)
    const codes: number[] = []
    for (let i = 0; i < 40; i++) codes.push((await app.inject({ url: '/products' })).statusCode)
    return codes
  }
  const bad = await statuses({ CATALOG_ERROR_PERCENT: '10' })
  assert.equal(bad.filter((code) => code === 500).length, 4)
  assert.deepEqual(
    bad.flatMap((code, i) => (code === 500 ? [i + 1] : [])),
    [10, 20, 30, 40],
    'every tenth request',
  )
  assert.equal((await statuses({})).filter((code) => code !== 200).length, 0)
})
