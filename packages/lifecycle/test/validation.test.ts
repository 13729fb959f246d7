import assert from 'node:assert/strict'
import { test } from 'node:test'
import { Type } from '@sinclair/typebox'
import { typeboxValidatorCompiler } from '@zdd/lifecycle'
import Fastify from 'fastify'

const Query = Type.Object({
  limit: Type.Integer({ minimum: 1, maximum: 5, default: 3 }),
  tag: Type.Optional(Type.String()),
})

async function build() {
  const app = Fastify()
  app.setValidatorCompiler(typeboxValidatorCompiler)
  app.get('/items', { schema: { querystring: Query } }, async (request) => request.query)
  app.post(
    '/items',
    { schema: { body: Type.Object({ count: Type.Integer() }) } },
    async (request) => request.body,
  )
  await app.ready()
  return app
}

test('querystring: strings converted to the schema types, defaults applied, as Fastify’s Ajv settings did', async (t) => {
  const app = await build()
  t.after(() => app.close())
  assert.deepEqual((await app.inject('/items?limit=2&tag=x')).json(), { limit: 2, tag: 'x' })
  assert.deepEqual((await app.inject('/items')).json(), { limit: 3 })
})

test('a bad value is a 400 FST_ERR_VALIDATION naming the part and the field', async (t) => {
  const app = await build()
  t.after(() => app.close())
  const tooBig = await app.inject('/items?limit=9')
  assert.equal(tooBig.statusCode, 400)
  assert.equal(tooBig.json().code, 'FST_ERR_VALIDATION')
  assert.match(tooBig.json().message, /^querystring\/limit /)
  assert.equal((await app.inject('/items?limit=two')).statusCode, 400)
  // Bodies arrive typed (JSON): nothing is converted, so a string is not an integer.
  const body = await app.inject({ method: 'POST', url: '/items', payload: { count: '2' } })
  assert.equal(body.statusCode, 400)
  assert.match(body.json().message, /^body\/count /)
  assert.deepEqual((await app.inject({ method: 'POST', url: '/items', payload: { count: 2 } })).json(), {
    count: 2,
  })
})
