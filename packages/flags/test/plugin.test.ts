import assert from 'node:assert/strict'
import { test } from 'node:test'
import { isUserId, USER_COOKIE, USER_ID_MAX_LENGTH } from '@zdd/flags'
import { flaggedService as build } from './helpers/service.ts'

test('behind the edge: the forwarded header, baggage and cookie are honoured in that order; no cookie is set', async (t) => {
  const service = await build(t)
  await service.start()
  const none = await service.app.inject('/whoami')
  assert.equal(none.json().context.userId, undefined)
  assert.equal(none.headers['set-cookie'], undefined, 'backends never mint ids')
  assert.equal(none.json().context.appName, 'flagged')

  const cookie = await service.app.inject({ url: '/whoami', cookies: { [USER_COOKIE]: 'from-cookie' } })
  assert.equal(cookie.json().context.userId, 'from-cookie')
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
  const service = await build(t)
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

test('isUserId: every character at the start, inside and at the end, as the documented rule says', () => {
  // The rule as a pattern (printable ASCII and Latin-1, no space at either end), the reference the
  // hand-written check must agree with for every code point up to U+02FF.
  const edge = '!-~\\u00a1-\\u00ff'
  const inner = ' -~\\u00a0-\\u00ff'
  const rule = new RegExp(`^[${edge}](?:[${inner}]{0,${USER_ID_MAX_LENGTH - 2}}[${edge}])?$`)
  let checked = 0
  for (let code = 0; code <= 0x2ff; code += 1) {
    const c = String.fromCharCode(code)
    for (const id of [c, `${c}a`, `a${c}`, `a${c}b`, `${c}${c}`]) {
      assert.equal(isUserId(id), rule.test(id), `${JSON.stringify(id)} (U+${code.toString(16)})`)
      checked += 1
    }
  }
  assert.equal(checked, 0x300 * 5)
  assert.equal(isUserId(''), false)
})

test('requestContext adds properties and currentTime to the context request.flags evaluates with', async (t) => {
  const service = await build(t, {
    requestContext: (request) => ({
      properties: { tenant: String(request.headers['x-tenant'] ?? 'none') },
      currentTime: new Date('2030-01-01T00:00:00.000Z'),
    }),
  })
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
  const service = await build(t)
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
