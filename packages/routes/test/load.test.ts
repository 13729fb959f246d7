import assert from 'node:assert/strict'
import { writeFileSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { DEMO_ROUTE_TABLE, DEMO_TOPOLOGY } from '../src/demo.ts'
import { loadRouteTable, resolveRouteTable } from '../src/load.ts'
import type { RouteTable } from '../src/schema.ts'

const rejects = (input: unknown, ...patterns: RegExp[]) =>
  assert.throws(
    () => resolveRouteTable(input, 'test'),
    (err: Error & { code?: string }) => {
      assert.equal(err.code, 'ZDD_GATEWAY_INVALID_ROUTE_TABLE')
      for (const pattern of patterns) assert.match(err.message, pattern)
      return true
    },
  )

const table = (routes: unknown[], upstreams: Record<string, string> = { a: 'http://127.0.0.1:1' }) => ({
  upstreams,
  routes,
})

test('the demo table: /api/catalog → catalog (canary by flag), /api/recommendations → a | b by variant', () => {
  const resolved = loadRouteTable({}, DEMO_ROUTE_TABLE)
  assert.equal(resolved.source, 'the built-in demo table')
  const [catalog, recommendations] = resolved.routes
  assert.deepEqual(
    { prefix: catalog?.prefix, upstream: catalog?.upstream, canary: catalog?.canary },
    {
      prefix: '/api/catalog',
      upstream: 'catalog',
      canary: { flag: 'catalog-canary', upstream: 'catalog-canary' },
    },
  )
  assert.equal(recommendations?.rewritePrefix, '/recommendations')
  assert.deepEqual(recommendations?.experiment?.variants, { a: 'recommendations-a', b: 'recommendations-b' })
  assert.deepEqual([...(recommendations?.shadow?.methods ?? [])], ['GET', 'HEAD'])
  for (const [name, origin] of resolved.upstreams) {
    assert.equal(origin, `http://127.0.0.1:${DEMO_TOPOLOGY[name as keyof typeof DEMO_TOPOLOGY].port}`)
  }
})

test('every bad entry is reported at once, named by its index and route name', () => {
  rejects(
    table([
      { name: 'catalog', prefix: '/api/catalog', upstream: 'a' },
      { name: 'recs', prefix: 'api/recs/', upstream: 'nope', colour: 'blue' },
      { name: 'BAD NAME', prefix: '/x', upstream: 'a' },
    ]),
    /routes\[1\] "recs" prefix \(got "api\/recs\/"\): .*no trailing slash/,
    /routes\[1\] "recs" colour/,
    /routes\[2\] "BAD NAME" name/,
  )
})

test('references are checked against the upstreams, names and prefixes must be unique', () => {
  rejects(
    table([
      { name: 'catalog', prefix: '/api/catalog', upstream: 'a', canary: { flag: 'c', upstream: 'a-canary' } },
      { name: 'catalog', prefix: '/api/catalog', upstream: 'b', shadow: { upstream: 'z' } },
      { name: 'ab', prefix: '/ab', upstream: 'a', experiment: { flag: 'x', variants: { a: 'a', b: 'bee' } } },
    ]),
    /routes\[0\] "catalog" canary\.upstream \(got "a-canary"\): no such upstream; known upstreams: a/,
    /routes\[1\] "catalog" name: another route already has this name/,
    /routes\[1\] "catalog" prefix \(got "\/api\/catalog"\): another route has it/,
    /routes\[1\] "catalog" upstream \(got "b"\)/,
    /routes\[1\] "catalog" shadow\.upstream \(got "z"\)/,
    /routes\[2\] "ab" experiment\.variants\.b \(got "bee"\)/,
  )
})

test('upstream URLs, reserved prefixes, probes and shadow methods are validated', () => {
  rejects(
    table([{ name: 'x', prefix: '/_zdd/x', upstream: 'a', probe: '/elsewhere' }], { a: 'ftp://host/path' }),
    /upstreams\.a \(got "ftp:\/\/host\/path"\)/,
  )
  rejects(
    table([{ name: 'x', prefix: '/_zdd/x', upstream: 'a', probe: '/elsewhere' }]),
    /routes\[0\] "x" prefix \(got "\/_zdd\/x"\): \/_zdd is reserved/,
    /routes\[0\] "x" probe \(got "\/elsewhere"\): must be a path under the prefix/,
  )
  rejects(
    table([{ name: 'x', prefix: '/x', upstream: 'a', shadow: { upstream: 'a', methods: ['GET', 'BREW'] } }]),
    /shadow\.methods/,
  )
  rejects({ routes: [] }, /upstreams \(missing\)/, /routes \(got \[\]\)/)
})

test('GATEWAY_ROUTES or GATEWAY_ROUTES_FILE, never both; unreadable or non-JSON sources are named', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'zdd-gateway-'))
  t.after(() => rm(dir, { recursive: true, force: true }))
  const file = join(dir, 'routes.json')
  const mine: RouteTable = {
    upstreams: { a: 'http://127.0.0.1:1/' },
    routes: [{ name: 'a', prefix: '/a', upstream: 'a' }],
  }
  writeFileSync(file, JSON.stringify(mine))
  const fromFile = loadRouteTable({ file }, DEMO_ROUTE_TABLE)
  assert.equal(fromFile.source, `GATEWAY_ROUTES_FILE=${file}`)
  assert.equal(fromFile.upstreams.get('a'), 'http://127.0.0.1:1', 'trailing slash dropped')
  assert.equal(loadRouteTable({ json: JSON.stringify(mine) }, DEMO_ROUTE_TABLE).routes[0]?.name, 'a')
  assert.throws(() => loadRouteTable({ json: '{}', file }, DEMO_ROUTE_TABLE), /set only one of/)
  assert.throws(
    () => loadRouteTable({ json: '{routes' }, DEMO_ROUTE_TABLE),
    /from GATEWAY_ROUTES;[\s\S]*not JSON/,
  )
  assert.throws(
    () => loadRouteTable({ file: join(dir, 'missing.json') }, DEMO_ROUTE_TABLE),
    /cannot read the file/,
  )
})
