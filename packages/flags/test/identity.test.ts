import assert from 'node:assert/strict'
import { test } from 'node:test'
import { errors, signedIdentity, USER_COOKIE } from '@zdd/flags'
import { flaggedService } from './helpers/service.ts'

const SECRET = 'k'.repeat(32)

test('the edge issues a signed user cookie; a client-chosen id (header, baggage, unsigned or tampered cookie) is a new user', async (t) => {
  const service = await flaggedService(t, { identify: signedIdentity({ secret: SECRET }) })
  await service.start()
  const whoami = (opts: { headers?: Record<string, string>; cookies?: Record<string, string> } = {}) =>
    service.app.inject({ url: '/whoami', ...opts })

  const first = await whoami()
  const cookie = first.cookies.find((c) => c.name === USER_COOKIE)
  assert.ok(cookie, 'cookie set')
  assert.equal(cookie.httpOnly, true)
  const id = first.json().context.userId as string
  assert.match(cookie.value, new RegExp(`^${id}\\.[A-Za-z0-9_-]{43}$`), '<id>.<HMAC-SHA256, base64url>')

  const again = await whoami({ cookies: { [USER_COOKIE]: cookie.value } })
  assert.equal(again.json().context.userId, id, 'the signed cookie names the user')
  assert.equal(again.headers['set-cookie'], undefined, 'no new cookie for a known user')

  const made: Array<{ headers?: Record<string, string>; cookies?: Record<string, string> }> = [
    { headers: { 'x-zdd-user': 'chosen' } },
    { headers: { baggage: 'zdd.user=chosen' } },
    { cookies: { [USER_COOKIE]: 'chosen' } },
    // The id changed, the signature kept; the signature changed; another key's signature.
    { cookies: { [USER_COOKIE]: `chosen.${cookie.value.slice(id.length + 1)}` } },
    { cookies: { [USER_COOKIE]: `${id}.${'A'.repeat(43)}` } },
    { cookies: { [USER_COOKIE]: signedIdentity({ secret: 'o'.repeat(32) }).signs(id) } },
  ]
  for (const request of made) {
    const res = await whoami(request)
    const user = res.json().context.userId as string
    assert.notEqual(user, 'chosen', JSON.stringify(request))
    assert.notEqual(user, id, JSON.stringify(request))
    assert.ok(
      res.cookies.some((c) => c.name === USER_COOKIE),
      `a new signed cookie: ${JSON.stringify(request)}`,
    )
  }
})

test('replicas sharing the secret accept each other’s cookies; without a secret each process signs with its own key', async (t) => {
  const shared = signedIdentity({ secret: SECRET })
  const a = await flaggedService(t, { identify: signedIdentity({ secret: SECRET }) })
  await a.start()
  const cookie = shared.signs('user-1')
  const res = await a.app.inject({ url: '/whoami', cookies: { [USER_COOKIE]: cookie } })
  assert.equal(res.json().context.userId, 'user-1')

  const own = await flaggedService(t, { identify: signedIdentity({ secret: undefined }) })
  await own.start()
  const other = await own.app.inject({ url: '/whoami', cookies: { [USER_COOKIE]: cookie } })
  assert.notEqual(other.json().context.userId, 'user-1')
  assert.throws(() => signedIdentity({ secret: 'short' }), errors.FlagsConfigError)
})

test("a trusted authenticating proxy's header names the user; from any other peer it is ignored", async (t) => {
  const service = await flaggedService(t, {
    identify: signedIdentity({
      secret: SECRET,
      trustedHeader: { name: 'x-auth-user', trusted: (address) => address === '10.0.0.7' },
    }),
  })
  await service.start()
  const as = async (remoteAddress: string) =>
    (
      await service.app.inject({
        url: '/whoami',
        remoteAddress,
        headers: { 'x-auth-user': 'alice@example.com' },
      })
    ).json().context.userId as string
  assert.equal(await as('10.0.0.7'), 'alice@example.com')
  assert.notEqual(await as('10.0.0.8'), 'alice@example.com')
})
