import assert from 'node:assert/strict'
import { test } from 'node:test'
import { parseTarget, type Target, underPrefix, upstreamPath } from '../../src/proxy/path.ts'

const forwarded = (url: string, prefix: string, rewrite: string) => {
  const target = parseTarget(url)
  if ('refused' in target) return `refused: ${target.refused}`
  if (!underPrefix(target.path, prefix)) return 'refused: outside the prefix'
  return upstreamPath(target, prefix, rewrite)
}

test('the request lines that reached the wrong backend path now forward what the route matched', () => {
  // Each of these reached a backend path outside its route before (route matched on one string, the
  // forwarded path cut from another).
  assert.equal(forwarded('/api/%63atalog/products', '/api/catalog', ''), '/products')
  assert.equal(forwarded('/api/%72ecommendations/x', '/api/recommendations', ''), '/x')
  assert.equal(forwarded('http://x/api/catalog/products', '/api/catalog', ''), '/products')
  assert.equal(
    forwarded('http://aaaaaaaaaaaaa-admin/api/recommendations/x', '/api/recommendations', ''),
    '/x',
  )
  assert.equal(
    forwarded('/api/catalog/products?q=%2F..', '/api/catalog', '/catalog'),
    '/catalog/products?q=%2F..',
  )
  assert.equal(forwarded('/api/catalog', '/api/catalog', ''), '/')
  assert.equal(forwarded('/api/catalog?x=1', '/api/catalog', ''), '/?x=1')
  assert.equal(forwarded('/api/catalog', '/api/catalog', '/v1'), '/v1')
})

test('targets that could resolve elsewhere upstream are refused with the reason', () => {
  for (const [url, reason] of [
    ['/api/catalog/../admin', '"." or ".."'],
    ['/api/catalog/%2e%2E/admin', '"." or ".."'],
    ['/api/catalog/.%2e', '"." or ".."'],
    ['/api/catalog/a%2F..%2Fadmin', 'encoded slash'],
    ['/api/catalog/a%5c..', 'encoded backslash'],
    ['/api/catalog/a\\..', 'backslash'],
    ['/api/catalog/%00', 'control character'],
    ['/api/catalog/%zz', 'hex digits'],
    ['example.com:443', 'origin-form'],
    ['*', 'origin-form'],
  ] as const) {
    const target = parseTarget(url)
    assert.ok('refused' in target, `${url} is refused`)
    assert.match(target.refused, new RegExp(reason.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')), url)
  }
})

/** Deterministic pseudo-random numbers (a fixed seed: a failure names the case and reproduces). */
function random(seed: number): () => number {
  let s = seed >>> 0
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0
    return s / 2 ** 32
  }
}

const PIECES = [
  '/',
  '//',
  '.',
  '..',
  '%2e',
  '%2E',
  '%2f',
  '%5c',
  '%25',
  '%63',
  '%61',
  '%70',
  '%69',
  'api',
  'catalog',
  'c',
  'atalog',
  'admin',
  '-admin',
  '?',
  '#',
  ';',
  '%3f',
  '%20',
  'http://x',
  'http://a/b',
  'x',
  '~',
  '%7e',
  '\\',
  '%00',
  '%',
  '@',
  ':',
]

test('property: whatever the target, a forwarded path stays under its route target prefix', () => {
  const next = random(20261205)
  const routes = [
    { prefix: '/api/catalog', rewrite: '/catalog' },
    { prefix: '/api', rewrite: '' },
    { prefix: '/api/catalog-admin', rewrite: '/admin' },
  ]
  let forwardedCount = 0
  for (let n = 0; n < 20_000; n++) {
    const length = 1 + Math.floor(next() * 8)
    let url = next() < 0.5 ? '/api/catalog' : next() < 0.5 ? '/' : ''
    for (let i = 0; i < length; i++) url += PIECES[Math.floor(next() * PIECES.length)]
    const target = parseTarget(url)
    if ('refused' in target) continue
    for (const { prefix, rewrite } of routes) {
      if (!underPrefix(target.path, prefix)) continue
      forwardedCount++
      const upstream = upstreamPath(target, prefix, rewrite)
      const path = upstream.split('?')[0] as string
      assert.ok(path === (rewrite || '/') || path.startsWith(`${rewrite}/`), `${url} → ${upstream}`)
      // What an upstream that decodes the path once sees: still no dot segment, still no new separator.
      const decoded = decodeURIComponentSafe(path)
      assert.ok(!decoded.split('/').some((s) => s === '.' || s === '..'), `${url} → ${upstream}`)
      assert.equal(decoded.split('/').length, path.split('/').length, `${url} → ${upstream}`)
    }
  }
  assert.ok(forwardedCount > 1_000, `${forwardedCount} of the random targets were forwarded`)
})

test('normalization is idempotent: a normalized path parses to itself', () => {
  const next = random(7)
  for (let n = 0; n < 5_000; n++) {
    let url = '/'
    for (let i = 0; i < 6; i++) url += PIECES[Math.floor(next() * PIECES.length)]
    const once = parseTarget(url)
    if ('refused' in once) continue
    const again = parseTarget(once.path) as Target
    assert.equal(again.path, once.path, url)
  }
})

function decodeURIComponentSafe(path: string): string {
  try {
    return decodeURIComponent(path)
  } catch {
    return path
  }
}
