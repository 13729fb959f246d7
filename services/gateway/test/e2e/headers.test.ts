import assert from 'node:assert/strict'
import { test } from 'node:test'
import { flagsFile } from '../helpers/flags.ts'
import { E2E, startGateway } from '../helpers/gateway.ts'
import { send } from '../helpers/http.ts'
import { catalogRoutes } from '../helpers/routes.ts'
import { startUpstream } from '../helpers/upstream.ts'

test(
  'proxy hygiene: hop-by-hop headers dropped both ways, x-forwarded-* set, the cohort propagated',
  E2E,
  async (t) => {
    const upstream = await startUpstream(t, 'catalog', {
      handler: (_request, response) => {
        response.writeHead(200, {
          'content-type': 'application/json',
          connection: 'keep-alive, x-internal-hop',
          'x-internal-hop': 'secret',
          'keep-alive': 'timeout=60',
          'proxy-authenticate': 'Basic',
          'set-cookie': ['a=1; Path=/', 'b=2; Path=/'],
          'x-end-to-end': 'kept',
        })
        response.end('{"ok":true}')
      },
    })
    const flags = await flagsFile(t, {})
    const gateway = await startGateway(t, {
      routes: catalogRoutes(upstream),
      env: { FLAGS_FILE: flags.path },
      trustedClient: false,
    })

    const answer = await send(gateway.port, '/api/catalog/products?limit=2', {
      headers: {
        connection: 'keep-alive, x-client-hop',
        'x-client-hop': 'secret',
        'keep-alive': 'timeout=5',
        te: 'trailers',
        'proxy-authorization': 'Basic Zm9vOmJhcg==',
        'x-forwarded-for': '203.0.113.7',
        baggage: 'tenant=acme;ttl=60, zdd.variant=forged',
        cookie: 'zdd_uid=user-7; theme=dark',
        'x-end-to-end': 'kept',
      },
    })
    assert.equal(answer.status, 200)
    const seen = upstream.seen[0]
    assert.ok(seen)
    assert.equal(seen.url, '/products?limit=2', 'the prefix is stripped, the query kept')
    for (const name of ['x-client-hop', 'keep-alive', 'te', 'proxy-authorization']) {
      assert.equal(seen.headers[name], undefined, `${name} must not reach the upstream`)
    }
    assert.equal(seen.headers['x-end-to-end'], 'kept')
    assert.equal(seen.headers.cookie, 'zdd_uid=user-7; theme=dark')
    assert.equal(seen.headers['x-forwarded-for'], '127.0.0.1', "an untrusted client's chain is replaced")
    assert.equal(seen.headers['x-forwarded-proto'], 'http')
    assert.equal(seen.headers['x-forwarded-host'], `127.0.0.1:${gateway.port}`)
    assert.equal(seen.headers['x-forwarded-prefix'], '/api/catalog')
    // An unsigned zdd_uid is a made-up id: the request is a new user, whose id the upstream is told.
    const user = String(seen.headers['x-zdd-user'])
    assert.match(user, /^[0-9a-f-]{36}$/, 'a minted id, not the made-up user-7')
    assert.equal(
      seen.headers.baggage,
      `tenant=acme;ttl=60,zdd.user=${user},zdd.track=stable,zdd.variant=none`,
      'incoming members kept, ours set (a forged zdd.variant replaced)',
    )

    for (const name of ['x-internal-hop', 'proxy-authenticate']) {
      assert.equal(answer.headers[name], undefined, `${name} must not reach the client`)
    }
    assert.notEqual(
      answer.headers['keep-alive'],
      'timeout=60',
      "the upstream's keep-alive is not the client's",
    )
    assert.equal(answer.headers['x-end-to-end'], 'kept')
    const cookies = answer.headers['set-cookie'] as string[]
    assert.deepEqual(cookies.slice(1), ['a=1; Path=/', 'b=2; Path=/'], "the upstream's cookies, after ours")
    assert.ok(cookies[0]?.startsWith(`zdd_uid=${user}.`), 'the new user gets a signed cookie')
    assert.equal(answer.headers['x-served-by'], 'catalog@v1/catalog-pod')
    assert.equal(answer.headers['x-zdd-gateway'], 'gateway@0.0.0-dev/local')
    assert.equal(answer.headers['x-zdd-route'], 'catalog; track=stable; variant=none')
    assert.equal(answer.body, '{"ok":true}')

    // A first-time visitor gets a signed user id cookie, and the upstream already sees that id.
    const fresh = await send(gateway.port, '/api/catalog/products')
    const minted = String(fresh.headers['set-cookie']?.find((cookie) => cookie.startsWith('zdd_uid=')))
    assert.match(minted, /^zdd_uid=[\w-]+\.[\w-]{43}; Path=\/; Max-Age=31536000; HttpOnly; SameSite=Lax$/)
    const signed = minted.split(';')[0]?.slice('zdd_uid='.length) ?? ''
    assert.equal(`${upstream.seen[1]?.headers['x-zdd-user']}.`, signed.slice(0, signed.lastIndexOf('.') + 1))
    // Sent back, the signed cookie names the same user.
    await send(gateway.port, '/api/catalog/products', { headers: { cookie: `zdd_uid=${signed}` } })
    assert.equal(`${upstream.seen[2]?.headers['x-zdd-user']}.`, signed.slice(0, signed.lastIndexOf('.') + 1))

    // A client naming itself with x-zdd-user: a new user; the upstream never sees the made-up id.
    const head = await send(gateway.port, '/api/catalog/products', {
      method: 'HEAD',
      headers: { 'x-zdd-user': 'u1' },
    })
    assert.equal(head.status, 200)
    assert.equal(head.body, '')
    assert.equal(upstream.seen[3]?.method, 'HEAD')
    assert.notEqual(upstream.seen[3]?.headers['x-zdd-user'], 'u1')
  },
)

const FORGED = {
  'x-forwarded-for': '203.0.113.66',
  'x-forwarded-host': 'evil.example',
  'x-forwarded-proto': 'https',
  forwarded: 'for=203.0.113.66;proto=https',
  'x-real-ip': '203.0.113.66',
}

test(
  'forwarding headers: replaced from a client, extended from a trusted proxy (TRUST_PROXY)',
  E2E,
  async (t) => {
    const upstream = await startUpstream(t, 'catalog')
    const flags = await flagsFile(t, {})
    const routes = catalogRoutes(upstream)
    const open = await startGateway(t, { routes, env: { FLAGS_FILE: flags.path }, trustedClient: false })
    assert.equal((await send(open.port, '/api/catalog/x', { headers: FORGED })).status, 200)
    const untrusted = upstream.seen.at(-1)?.headers ?? {}
    assert.equal(untrusted['x-forwarded-for'], '127.0.0.1')
    assert.equal(untrusted['x-forwarded-host'], `127.0.0.1:${open.port}`)
    assert.equal(untrusted['x-forwarded-proto'], 'http')
    assert.equal(untrusted.forwarded, undefined)
    assert.equal(untrusted['x-real-ip'], undefined)

    const behindProxy = await startGateway(t, {
      routes,
      env: { FLAGS_FILE: flags.path, TRUST_PROXY: 'loopback' },
      trustedClient: false,
    })
    assert.equal((await send(behindProxy.port, '/api/catalog/x', { headers: FORGED })).status, 200)
    const trusted = upstream.seen.at(-1)?.headers ?? {}
    assert.equal(trusted['x-forwarded-for'], '203.0.113.66, 127.0.0.1', "the proxy's chain, extended")
    assert.equal(trusted['x-forwarded-host'], 'evil.example')
    assert.equal(trusted['x-forwarded-proto'], 'https')
  },
)
