import assert from 'node:assert/strict'
import { connect } from 'node:net'
import { test } from 'node:test'
import { flagsFile } from '../helpers/flags.ts'
import { E2E, startGateway } from '../helpers/gateway.ts'
import { startUpstream } from '../helpers/upstream.ts'

/** One request line as the client wrote it (no client library normalizes it), the status line back. */
function rawGet(port: number, target: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1')
    let text = ''
    socket.setEncoding('utf8')
    socket.on('data', (chunk: string) => {
      text += chunk
    })
    socket.on('error', reject)
    socket.on('close', () => resolve(Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0)))
    socket.end(`GET ${target} HTTP/1.1\r\nHost: gateway\r\nConnection: close\r\n\r\n`)
  })
}

const PIECES = [
  'x',
  'products',
  '/',
  '%7e',
  '%41',
  '-',
  '~',
  'x',
  'products',
  '/',
  '?q=',
  '&',
  '/',
  '.',
  '..',
  '%2e',
  '%2f',
  '%5c',
  '%63',
  '%72',
  'api',
  'catalog',
  'recommendations',
  '-admin',
  '?',
  '%3f',
  'x',
  '%00',
  '%',
  'http://h',
]

test('no request target reaches a backend path outside its route target prefix', E2E, async (t) => {
  const catalog = await startUpstream(t, 'catalog')
  const recommendations = await startUpstream(t, 'recommendations')
  const admin = await startUpstream(t, 'admin')
  const flags = await flagsFile(t, {})
  const gateway = await startGateway(t, {
    routes: {
      upstreams: { catalog: catalog.url, recommendations: recommendations.url, admin: admin.url },
      routes: [
        { name: 'catalog', prefix: '/api/catalog', upstream: 'catalog', rewritePrefix: '/catalog' },
        { name: 'recommendations', prefix: '/api/recommendations', upstream: 'recommendations' },
        { name: 'admin', prefix: '/api/recommendations-admin', upstream: 'admin', rewritePrefix: '/admin' },
      ],
    },
    env: { FLAGS_FILE: flags.path },
  })

  // The request lines that reached the wrong path before: each now reaches what its route names.
  const expected: Array<[string, number, string | undefined]> = [
    ['http://aaaaaaaaaaaaa-admin/api/recommendations/x', 200, '/x'],
    ['http://x/api/catalog/products', 200, '/catalog/products'],
    ['/api/%63atalog/products', 200, '/catalog/products'],
    ['/api/%72ecommendations/x', 200, '/x'],
    ['/api/catalog/%2e%2e/%2e%2e/admin', 400, undefined],
    ['/api/catalog/a%2F..%2F..%2Fadmin', 400, undefined],
  ]
  for (const [target, status, path] of expected) {
    const before = catalog.seen.length + recommendations.seen.length + admin.seen.length
    assert.equal(await rawGet(gateway.port, target), status, target)
    const all = [...catalog.seen, ...recommendations.seen, ...admin.seen]
    if (path === undefined) assert.equal(all.length, before, `${target} reached no backend`)
    else
      assert.ok(
        all.some((seen) => seen.url === path),
        `${target} → ${path}`,
      )
  }

  let s = 20261205
  const next = () => {
    s = (s * 1664525 + 1013904223) >>> 0
    return s / 2 ** 32
  }
  for (let n = 0; n < 400; n++) {
    // Mostly under a route (so most are forwarded), with the tricky pieces mixed in.
    let target = `${next() < 0.5 ? '/api/catalog' : '/api/recommendations'}${next() < 0.8 ? '/' : ''}`
    const length = 1 + Math.floor(next() * 6)
    for (let i = 0; i < length; i++) target += PIECES[Math.floor(next() * PIECES.length)]
    await rawGet(gateway.port, target)
  }
  const outside = (seen: { url: string }[], prefix: string) =>
    seen
      .map((r) => r.url)
      .filter((url) => {
        const path = url.split('?')[0] as string
        const escaped = path
          .split('/')
          .some((segment) => segment === '.' || segment === '..' || /%2e|%2f|%5c/i.test(segment))
        return escaped || !(path === prefix || path.startsWith(`${prefix === '/' ? '' : prefix}/`))
      })
  assert.deepEqual(outside(catalog.seen, '/catalog'), [])
  assert.deepEqual(outside(recommendations.seen, '/'), [])
  assert.deepEqual(outside(admin.seen, '/admin'), [])
  const forwardedCount = catalog.seen.length + recommendations.seen.length + admin.seen.length
  assert.ok(forwardedCount > 100, `${forwardedCount} of 400 random targets were forwarded`)
})
