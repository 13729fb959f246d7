// The schema compilers every server of a service gets: TypeBox's, given as factories so that Fastify does not
// build its Ajv-based ones (Ajv, its formats, fast-json-stringify) when a server is created.
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { test } from 'node:test'
import { promisify } from 'node:util'
import { Type } from '@sinclair/typebox'
import { createService, LifecycleEnv } from '@zdd/lifecycle'

const run = promisify(execFile)

const Product = Type.Object({ id: Type.String(), price: Type.Number(), updated: Type.String() })

async function productService() {
  const service = await createService(
    {
      name: 'probe',
      envSchema: LifecycleEnv,
      register: (app) => {
        const product = () => ({ id: 'p1', price: 3, cost: 1, updated: new Date(0) })
        app.get('/product', { schema: { response: { 200: Product } } }, async () => product())
        app.get('/raw', async () => product())
        app.get(
          '/query',
          { schema: { querystring: Type.Object({ n: Type.Integer() }) } },
          async (r) => r.query,
        )
      },
    },
    { LOG_LEVEL: 'silent' },
  )
  return service
}

test('a response schema sends only the fields it declares; a route without one sends all', async (t) => {
  const service = await productService()
  t.after(() => Promise.all([service.app.close(), service.management.close()]))
  const updated = new Date(0).toISOString()
  assert.deepEqual((await service.app.inject('/product')).json(), { id: 'p1', price: 3, updated })
  assert.deepEqual((await service.app.inject('/raw')).json(), { id: 'p1', price: 3, cost: 1, updated })
})

test('route validation still works with the factories (TypeBox converts the querystring)', async (t) => {
  const service = await productService()
  t.after(() => Promise.all([service.app.close(), service.management.close()]))
  assert.deepEqual((await service.app.inject('/query?n=4')).json(), { n: 4 })
  assert.equal((await service.app.inject('/query?n=four')).statusCode, 400)
})

test('creating and readying a service loads no Ajv; a plain Fastify server in the same process does', async () => {
  // A fresh process: module caches are per process, and this one has loaded Fastify's defaults already.
  const script = `
    import { createRequire } from 'node:module'
    import { createService, LifecycleEnv } from '@zdd/lifecycle'
    const cache = createRequire(import.meta.url).cache
    const ajv = () => Object.keys(cache).some((file) => /[\\\\/]node_modules[\\\\/]ajv[\\\\/]/.test(file))
    const service = await createService(
      { name: 'probe', envSchema: LifecycleEnv, register: (app) => { app.get('/', async () => ({})) } },
      { LOG_LEVEL: 'silent' },
    )
    await Promise.all([service.app.ready(), service.management.ready()])
    const afterService = ajv()
    const { default: Fastify } = await import('fastify')
    await Fastify().ready()
    process.stdout.write(JSON.stringify({ afterService, afterPlainFastify: ajv() }))
  `
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], {
    cwd: import.meta.dirname,
  })
  assert.deepEqual(JSON.parse(stdout), { afterService: false, afterPlainFastify: true })
})
