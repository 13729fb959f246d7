// Who picks the bucket. From the internet, a client-chosen id (x-zdd-user, baggage, an unsigned cookie)
// counts for nothing: each such request is a new anonymous user, and the backend never sees the made-up id.
// The control: the same id sent by a trusted authenticating proxy (TRUST_PROXY + GATEWAY_USER_HEADER) is
// honoured, so an id found to fall in the canary stays there every time.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { flagsFile } from '../helpers/flags.ts'
import { E2E, startGateway } from '../helpers/gateway.ts'
import { send } from '../helpers/http.ts'
import { parseRoute } from '../helpers/load.ts'
import { catalogRoutes } from '../helpers/routes.ts'
import { startUpstream } from '../helpers/upstream.ts'

const TRIES = 20

test(
  'a made-up user id does not pick the canary from the internet; a trusted auth proxy does name the user',
  E2E,
  async (t) => {
    const stable = await startUpstream(t, 'catalog', { version: 'v1' })
    const canary = await startUpstream(t, 'catalog-canary', { version: 'v2' })
    const flags = await flagsFile(t, { canary: 10 })
    const routes = catalogRoutes(stable, canary)
    const env = { FLAGS_FILE: flags.path, GATEWAY_USER_SECRET: 's'.repeat(32) }
    const behindProxy = await startGateway(t, { routes, env })
    const internet = await startGateway(t, { routes, env, trustedClient: false })
    const trackOf = async (port: number, headers: Record<string, string>) =>
      parseRoute((await send(port, '/api/catalog/products', { headers })).headers['x-zdd-route']).track

    // The attack of the issue: try made-up ids until one lands in the canary (through the trusted path,
    // where ids are honoured, it takes ~10 tries at a 10 % rollout).
    let lucky: string | undefined
    for (let i = 0; lucky === undefined && i < 500; i++) {
      if ((await trackOf(behindProxy.port, { 'x-zdd-user': `made-up-${i}` })) === 'canary')
        lucky = `made-up-${i}`
    }
    assert.ok(lucky, 'no id in 500 fell in a 10 % canary')
    // Control: from the trusted proxy that id is the user, every time.
    for (let i = 0; i < TRIES; i++)
      assert.equal(await trackOf(behindProxy.port, { 'x-zdd-user': lucky }), 'canary')

    // From the internet, by header, baggage or unsigned cookie: a new user each time, canary at random only.
    const before = { stable: stable.seen.length, canary: canary.seen.length }
    let canaryHits = 0
    for (let i = 0; i < TRIES; i++) {
      const forms: Array<Record<string, string>> = [
        { 'x-zdd-user': lucky },
        { baggage: `zdd.user=${lucky}` },
        { cookie: `zdd_uid=${lucky}` },
      ]
      for (const headers of forms) {
        if ((await trackOf(internet.port, headers)) === 'canary') canaryHits += 1
      }
    }
    t.diagnostic(
      `made-up id ${lucky}: canary ${TRIES} of ${TRIES} behind the proxy, ${canaryHits} of ${3 * TRIES} from the internet`,
    )
    assert.ok(canaryHits < 3 * TRIES, 'the made-up id pinned the canary from the internet')
    const forwarded = [...stable.seen.slice(before.stable), ...canary.seen.slice(before.canary)].map(
      (r) => r.headers['x-zdd-user'],
    )
    assert.equal(forwarded.length, 3 * TRIES)
    assert.ok(!forwarded.includes(lucky), 'the backend never receives the made-up id')
    assert.equal(new Set(forwarded).size, 3 * TRIES, 'each request was a new anonymous user')
  },
)

test(
  '/_zdd/session and the page are off unless GATEWAY_DEMO_PAGE=true, and only ever tell your own bucket',
  E2E,
  async (t) => {
    const upstream = await startUpstream(t, 'catalog')
    const flags = await flagsFile(t, {})
    const routes = catalogRoutes(upstream)
    const off = await startGateway(t, { routes, env: { FLAGS_FILE: flags.path }, trustedClient: false })
    assert.equal((await send(off.port, '/_zdd/session')).status, 404)
    assert.equal((await send(off.port, '/')).status, 404)

    const on = await startGateway(t, {
      routes,
      env: { FLAGS_FILE: flags.path, GATEWAY_DEMO_PAGE: 'true' },
      trustedClient: false,
    })
    assert.equal((await send(on.port, '/')).status, 200)
    const asked = await send(on.port, '/_zdd/session', { headers: { 'x-zdd-user': 'someone-else' } })
    const session = JSON.parse(asked.body) as { userId: string }
    assert.notEqual(session.userId, 'someone-else', "another user's bucket is never told")
    const cookie = String(asked.headers['set-cookie']).split(';')[0] ?? ''
    assert.ok(
      cookie.startsWith(`zdd_uid=${session.userId}.`),
      'the session is the caller’s own, with its new cookie',
    )
    const again = JSON.parse((await send(on.port, '/_zdd/session', { headers: { cookie } })).body) as {
      userId: string
    }
    assert.equal(again.userId, session.userId)
  },
)

test('GATEWAY_USER_HEADER without TRUST_PROXY is refused at start, saying why', E2E, async (t) => {
  const flags = await flagsFile(t, {})
  const gateway = await startGateway(t, {
    env: { FLAGS_FILE: flags.path, GATEWAY_USER_HEADER: 'x-auth-user' },
    trustedClient: false,
    ready: false,
  })
  const { code } = await gateway.exited
  assert.equal(code, 1)
  const text = `${gateway.stderr()}${JSON.stringify(gateway.logs)}`
  assert.match(text, /GATEWAY_USER_HEADER \(got x-auth-user\): needs TRUST_PROXY/)
})
