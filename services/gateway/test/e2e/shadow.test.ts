import assert from 'node:assert/strict'
import { test } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { FLAG } from '@zdd/flags'
import { Pool } from 'undici'
import { flagsFile } from '../helpers/flags.ts'
import { E2E, metricValue, startGateway } from '../helpers/gateway.ts'
import { sendJson, startUpstream } from '../helpers/upstream.ts'

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((x, y) => x - y)
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN
}

test('shadow: a slow or failing shadow costs the client nothing; differences are counted', E2E, async (t) => {
  const items = [{ id: 'p-100', name: 'Blue-green mug' }]
  const primary = await startUpstream(t, 'primary', {
    handler: (request, response) => sendJson(response, 200, { version: 'v1', items, url: request.url }),
  })
  const slow = await startUpstream(t, 'shadow-slow', {
    handler: async (request, response) => {
      await sleep(2000, undefined, { ref: false })
      if (!response.destroyed) sendJson(response, 200, { version: 'v1', items, url: request.url })
    },
  })
  const failing = await startUpstream(t, 'shadow-failing', {
    handler: (_request, response) => {
      response.socket?.destroy()
    },
  })
  const different = await startUpstream(t, 'shadow-different', {
    handler: (request, response) =>
      sendJson(response, 200, {
        version: 'v2',
        items: [{ id: 'p-100', name: 'Blue-green MUG' }],
        url: request.url,
      }),
  })
  // Same content, keys in another order, another version (left out of the comparison).
  const same = await startUpstream(t, 'shadow-same', {
    handler: (request, response) =>
      sendJson(response, 200, {
        url: request.url,
        items: [{ name: 'Blue-green mug', id: 'p-100' }],
        version: 'v2',
      }),
  })
  const route = (name: string, shadow?: string, flag?: string) => ({
    name,
    prefix: `/${name}`,
    upstream: 'primary',
    ...(shadow ? { shadow: { upstream: shadow, ignore: ['version'], ...(flag ? { flag } : {}) } } : {}),
  })
  const flags = await flagsFile(t, { shadow: false })
  const gateway = await startGateway(t, {
    routes: {
      upstreams: Object.fromEntries([primary, slow, failing, different, same].map((u) => [u.name, u.url])),
      routes: [
        route('plain'),
        route('slow', 'shadow-slow'),
        route('failing', 'shadow-failing'),
        route('different', 'shadow-different'),
        route('same', 'shadow-same'),
        route('gated', 'shadow-same', FLAG.shadow),
      ],
    },
    env: { FLAGS_FILE: flags.path, LOG_LEVEL: 'warn' },
  })

  const client = new Pool(gateway.url, { connections: 4 })
  t.after(() => client.close())
  const get = async (path: string) => {
    const startedAt = performance.now()
    const response = await client.request({ path, method: 'GET', headers: { 'x-zdd-user': 'shadow-user' } })
    const body = await response.body.text()
    return { status: response.statusCode, body, ms: performance.now() - startedAt }
  }

  // Warm-up: connections and code paths, not measured.
  for (const path of ['/plain/x', '/slow/x', '/failing/x']) for (let i = 0; i < 30; i++) await get(path)

  const latencies: Record<string, number[]> = { plain: [], slow: [], failing: [] }
  const statuses: number[] = []
  for (let i = 0; i < 400; i++) {
    for (const name of ['plain', 'slow', 'failing'] as const) {
      const answer = await get(`/${name}/items?i=${i}`)
      statuses.push(answer.status)
      assert.deepEqual(JSON.parse(answer.body), { version: 'v1', items, url: `/items?i=${i}` })
      latencies[name]?.push(answer.ms)
    }
  }
  assert.ok(
    statuses.every((status) => status === 200),
    'a shadow must never cause a client-visible error',
  )
  const p50 = Object.fromEntries(
    Object.entries(latencies).map(([name, values]) => [name, percentile(values, 50)]),
  )
  const p50Plain = p50.plain ?? 0
  t.diagnostic(
    `client p50 over 400 requests each: shadow off ${p50Plain.toFixed(2)} ms, slow shadow ${p50.slow?.toFixed(2)} ms, failing shadow ${p50.failing?.toFixed(2)} ms`,
  )
  assert.ok((p50.slow ?? 0) - p50Plain < 5, 'a slow shadow added 5 ms or more to the p50')
  assert.ok((p50.failing ?? 0) - p50Plain < 5, 'a failing shadow added 5 ms or more to the p50')

  for (let i = 0; i < 20; i++) {
    assert.equal((await get(`/different/items?i=${i}`)).status, 200)
    assert.equal((await get(`/same/items?i=${i}`)).status, 200)
    assert.equal((await get(`/gated/items?i=${i}`)).status, 200)
  }
  const count = async (route: string, result: string) =>
    metricValue(await gateway.metrics(), 'shadow_requests_total', { route, result })
  const until = async (what: string, probe: () => Promise<boolean>) => {
    const deadline = performance.now() + 5000
    while (!(await probe())) {
      assert.ok(performance.now() < deadline, `timed out waiting for ${what}`)
      await sleep(50)
    }
  }
  await until(
    '20 mismatches and 20 matches',
    async () => (await count('different', 'mismatch')) === 20 && (await count('same', 'match')) === 20,
  )
  assert.equal(await count('different', 'match'), 0)
  assert.equal(await count('same', 'mismatch'), 0)
  assert.equal(
    same.seen.filter((seen) => seen.url.startsWith('/items')).length,
    20,
    'the gated route must not mirror while its flag is off',
  )
  await until('slow shadow errors (timeouts)', async () => (await count('slow', 'error')) > 0)
  assert.ok((await count('failing', 'error')) > 0)
  assert.equal(await count('failing', 'match'), 0)
  const text = await gateway.metrics()
  const dropped = metricValue(text, 'shadow_dropped_total', { route: 'slow', reason: 'busy' })
  t.diagnostic(
    `slow shadow: ${await count('slow', 'error')} timed out, ${dropped} not mirrored (GATEWAY_SHADOW_CONCURRENCY reached); failing shadow: ${await count('failing', 'error')} errors`,
  )
  assert.ok(slow.seen.every((seen) => seen.headers['x-zdd-shadow'] === '1'))

  const logged = await gateway.waitForLog('a mismatch sample', (line) => line.msg === 'shadow mismatch')
  assert.equal(logged.route, 'different')
  assert.match(JSON.stringify(logged.shadow), /Blue-green MUG/)
  assert.match(JSON.stringify(logged.primary), /Blue-green mug/)

  // Switching the shadow flag on starts mirroring the gated route.
  flags.update({ shadow: true })
  await until('mirroring on the gated route', async () => {
    await get('/gated/items?after=1')
    return (await count('gated', 'match')) > 0
  })
})
