import assert from 'node:assert/strict'
import { test } from 'node:test'
import { FLAG, FlagsEnv, isUserId, USER_COOKIE, USER_ID_MAX_LENGTH, useFlags } from '@zdd/flags'
import { createService, serviceEnv } from '@zdd/lifecycle'

const Env = serviceEnv({ ...FlagsEnv.properties })

async function build(t: import('node:test').TestContext, setUserCookie: boolean) {
  const service = await createService(
    {
      name: 'flagged',
      envSchema: Env,
      register(app, ctx) {
        useFlags(app, ctx, { setUserCookie })
        app.get('/whoami', async (request) => ({
          context: request.flags.context,
          variant: request.flags.variant(FLAG.abExperiment).name,
          canary: request.flags.isEnabled(FLAG.catalogCanary),
        }))
      },
    },
    { LOG_LEVEL: 'silent', PORT: '0', MANAGEMENT_PORT: '0' },
  )
  t.after(() => service.shutdown('test'))
  return service
}

test('the edge mints a user id cookie once; header, baggage and cookie are honoured in that order', async (t) => {
  const service = await build(t, true)
  await service.start()
  const first = await service.app.inject('/whoami')
  const cookie = first.cookies.find((c) => c.name === USER_COOKIE)
  assert.ok(cookie?.value, 'cookie set')
  assert.equal(cookie.httpOnly, true)
  assert.equal(first.json().context.userId, cookie.value)
  assert.equal(first.json().context.appName, 'flagged')

  const again = await service.app.inject({ url: '/whoami', cookies: { [USER_COOKIE]: cookie.value } })
  assert.equal(again.headers['set-cookie'], undefined, 'no new cookie for a known user')
  assert.equal(again.json().variant, first.json().variant, 'same variant for the same user')

  const baggage = await service.app.inject({
    url: '/whoami',
    headers: { baggage: 'other=1,zdd.user=from-baggage', cookie: `${USER_COOKIE}=from-cookie` },
  })
  assert.equal(baggage.json().context.userId, 'from-baggage')
  const header = await service.app.inject({
    url: '/whoami',
    headers: { 'x-zdd-user': 'from-header', baggage: 'zdd.user=from-baggage' },
  })
  assert.equal(header.json().context.userId, 'from-header')
})

test('user ids as Unleash takes them: e-mail addresses and spaces; bounded, printable, header-safe', async (t) => {
  const service = await build(t, false)
  await service.start()
  const userOf = async (headers: Record<string, string>) =>
    (await service.app.inject({ url: '/whoami', headers })).json().context.userId as string | undefined
  for (const id of ['test@example.com', 'a cat b', 'Jürgen', 'x'.repeat(USER_ID_MAX_LENGTH), '<b>&"']) {
    assert.equal(await userOf({ 'x-zdd-user': id }), id)
    assert.equal(isUserId(id), true)
  }
  assert.equal(
    await userOf({ baggage: `zdd.user=${encodeURIComponent('test+tag@example.com')}` }),
    'test+tag@example.com',
  )
  // Too long; control characters; beyond Latin-1 (the gateway forwards the id as a header, which HTTP
  // clients refuse); space at an end (header parsers trim it, so the next hop would see another id).
  for (const bad of ['x'.repeat(USER_ID_MAX_LENGTH + 1), 'a\tb', 'a\u0085b', '日本', ' a', 'a ']) {
    assert.equal(isUserId(bad), false, JSON.stringify(bad))
    assert.equal(
      await userOf({ baggage: `zdd.user=${encodeURIComponent(bad)}` }),
      undefined,
      JSON.stringify(bad),
    )
  }
  assert.equal(await userOf({ 'x-zdd-user': 'x'.repeat(USER_ID_MAX_LENGTH + 1) }), undefined)
})

test('requestContext adds properties and currentTime to the context request.flags evaluates with', async (t) => {
  const service = await createService(
    {
      name: 'flagged',
      envSchema: Env,
      register(app, ctx) {
        useFlags(app, ctx, {
          requestContext: (request) => ({
            properties: { tenant: String(request.headers['x-tenant'] ?? 'none') },
            currentTime: new Date('2030-01-01T00:00:00.000Z'),
          }),
        })
        app.get('/whoami', async (request) => ({ context: request.flags.context }))
      },
    },
    { LOG_LEVEL: 'silent', PORT: '0', MANAGEMENT_PORT: '0' },
  )
  t.after(() => service.shutdown('test'))
  await service.start()
  const res = await service.app.inject({
    url: '/whoami',
    headers: { 'x-tenant': 'acme', 'x-zdd-user': 'u1' },
  })
  assert.deepEqual(res.json().context, {
    remoteAddress: '127.0.0.1',
    appName: 'flagged',
    environment: 'development',
    userId: 'u1',
    properties: { tenant: 'acme' },
    currentTime: '2030-01-01T00:00:00.000Z',
  })
})

test('backends never set cookies; readiness includes flags; evaluations are counted by flag and variant', async (t) => {
  const service = await build(t, false)
  const before = await service.management.inject('/readyz')
  assert.equal(before.statusCode, 503)
  await service.start()
  const ready = await service.management.inject('/readyz')
  assert.equal(ready.statusCode, 200)
  assert.equal(ready.json().checks.flags, true)
  const res = await service.app.inject({ url: '/whoami', headers: { 'x-zdd-user': 'u-7' } })
  assert.equal(res.headers['set-cookie'], undefined)
  const metrics = (await service.management.inject('/metrics')).body
  assert.match(
    metrics,
    /flag_evaluations_total\{flag="recommendations-ab",variant="[ab]",service="flagged"\} 1/,
  )
  assert.match(metrics, /flags_sync_state\{state="offline",mode="offline",service="flagged"\} 1/)
})
