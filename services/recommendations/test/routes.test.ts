import assert from 'node:assert/strict'
import { test } from 'node:test'
import { createService } from '@zdd/lifecycle'
import { recommendationsService } from '@zdd/recommendations'

async function build(t: import('node:test').TestContext, algorithm: string) {
  const service = await createService(recommendationsService, {
    LOG_LEVEL: 'silent',
    APP_VERSION: 'v1',
    POD_NAME: `rec-${algorithm}`,
    RECOMMENDATIONS_ALGORITHM: algorithm,
  })
  t.after(async () => {
    await service.app.close()
    await service.management.close()
  })
  return service.app
}

test('a (popular) gives everyone the same best-sellers; b (personalized) differs per user, stable per user', async (t) => {
  const a = await build(t, 'popular')
  const b = await build(t, 'personalized')
  const ids = async (app: typeof a, user: string) => {
    const res = await app.inject({ url: '/recommendations', headers: { 'x-zdd-user': user } })
    assert.equal(res.statusCode, 200)
    assert.match(String(res.headers['x-served-by']), /^recommendations@v1\/rec-/)
    return (res.json().items as { id: string }[]).map((item) => item.id).join(',')
  }
  assert.equal(await ids(a, 'u1'), 'p-102,p-100,p-101')
  assert.equal(await ids(a, 'u2'), 'p-102,p-100,p-101')
  const picks = new Set<string>()
  for (let i = 0; i < 20; i++) picks.add(await ids(b, `user-${i}`))
  assert.ok(picks.size > 5, `personalized picks vary by user (${picks.size} distinct of 20)`)
  assert.equal(await ids(b, 'user-3'), await ids(b, 'user-3'))
  const body = (
    await b.inject({ url: '/recommendations?limit=2', headers: { baggage: 'zdd.user=bag-user' } })
  ).json()
  assert.equal(body.algorithm, 'personalized')
  assert.equal(body.userId, 'bag-user')
  assert.equal(body.items.length, 2)
})

test('bad input: limit out of range is a 400; a bad algorithm fails config naming the variable', async (t) => {
  const a = await build(t, 'popular')
  const res = await a.inject('/recommendations?limit=50')
  assert.equal(res.statusCode, 400)
  assert.doesNotMatch(res.body, /node_modules|\bat .+:\d+:\d+/)
  await assert.rejects(
    createService(recommendationsService, { RECOMMENDATIONS_ALGORITHM: 'random' }),
    /RECOMMENDATIONS_ALGORITHM/,
  )
})
