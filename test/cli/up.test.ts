import assert from 'node:assert/strict'
import { once } from 'node:events'
import { test } from 'node:test'
import { instantQuery, type Series } from '@zdd/prometheus'
import { freePort, portFree } from '@zdd/test-support'
import { request } from 'undici'
import { freeBasePort, runCli, scratch, startCli, waitForOutput } from '../helpers/cli.ts'

const BASE = await freeBasePort()

test('zdd up: the whole local stack on real ports, live flag changes, Ctrl-C stops everything with exit 0', async (t) => {
  const state = await scratch(t)
  const { child, output } = startCli(t, ['up', '--base-port', String(BASE)], { ZDD_STATE_DIR: state })
  const deadline = performance.now() + 30_000
  while (!output().includes('Ctrl-C stops everything')) {
    assert.ok(
      performance.now() < deadline && child.exitCode === null,
      `zdd up did not get ready:\n${output()}`,
    )
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  assert.match(output(), new RegExp(`page +http://127\\.0\\.0\\.1:${BASE}/`))
  t.diagnostic(output().match(/local stack ready in [\d.]+ s/)?.[0] ?? '')

  const origin = `http://127.0.0.1:${BASE}`
  const page = await request(`${origin}/`)
  assert.equal(page.statusCode, 200)
  assert.match(await page.body.text(), /<html/i)

  const user = { 'x-zdd-user': 'up-test-user' }
  const catalog = await request(`${origin}/api/catalog/products`, { headers: user })
  assert.equal(catalog.statusCode, 200)
  assert.match(String(catalog.headers['x-served-by']), /^catalog@v[12]\/catalog/)
  await catalog.body.dump()
  const recs = await request(`${origin}/api/recommendations`, { headers: user })
  assert.equal(recs.statusCode, 200)
  assert.match(String(recs.headers['x-zdd-route']), /^recommendations; track=stable; variant=[ab]$/)
  await recs.body.dump()

  // Everyone to the canary, through the CLI, while the stack runs.
  const set = await runCliIn(state, ['flags', 'set', 'catalog-canary', '--rollout', '100'])
  assert.equal(set.code, 0, set.stderr)
  const changed = performance.now()
  for (;;) {
    const res = await request(`${origin}/api/catalog/products`, { headers: user })
    await res.body.dump()
    if (String(res.headers['x-served-by']).startsWith('catalog@v2/catalog-canary')) break
    assert.ok(performance.now() - changed < 3000, 'canary not reached 3 s after zdd flags set')
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  t.diagnostic(`zdd flags set → canary routing after ${(performance.now() - changed).toFixed(0)} ms`)

  child.kill('SIGINT')
  const [code] = await once(child, 'exit')
  assert.equal(code, 0, output())
  assert.match(
    output(),
    /stopped \(exit codes: gateway 0, catalog 0, catalog-canary 0, recommendations-a 0, recommendations-b 0\)/,
  )
})

test('zdd up: a port in use is named before anything starts', async (t) => {
  const state = await scratch(t)
  const { createServer } = await import('node:net')
  const blocker = createServer().listen(BASE + 2, '127.0.0.1')
  await once(blocker, 'listening')
  t.after(() => blocker.close())
  const run = await runCliIn(state, ['up', '--base-port', String(BASE)])
  assert.equal(run.code, 2)
  assert.match(run.stderr, new RegExp(`port ${BASE + 2} \\(catalog-canary\\) is in use`))
})

test('zdd up --prometheus: a real Prometheus scrapes every service, per version; without the flag none runs (the control)', async (t) => {
  const state = await scratch(t)
  const promPort = await freePort()
  const cli = startCli(
    t,
    ['up', '--base-port', String(BASE), '--prometheus', '--prometheus-port', String(promPort)],
    { ZDD_STATE_DIR: state },
  )
  await waitForOutput(cli, 'Ctrl-C stops everything', 60_000)
  const url = `http://127.0.0.1:${promPort}`
  assert.match(cli.output(), new RegExp(`prometheus +${url}/ scrapes every service's /metrics`))
  const origin = `http://127.0.0.1:${BASE}`
  for (let i = 0; i < 5; i++) await (await request(`${origin}/api/catalog/products`)).body.dump()
  // Until every target was scraped and the catalog's requests are there, labelled with their version.
  let up: Series[] = []
  let served: Series[] = []
  for (;;) {
    up = await instantQuery(url, 'up == 1')
    served = await instantQuery(url, 'sum by (service, version) (http_requests_total{service="catalog"})')
    if (up.length === 5 && served.length > 0) break
    assert.equal(cli.child.exitCode, null, cli.output())
    await new Promise((resolve) => setTimeout(resolve, 250))
  }
  assert.deepEqual(up.map((s) => s.labels.pod).sort(), [
    'catalog',
    'catalog-canary',
    'gateway',
    'recommendations-a',
    'recommendations-b',
  ])
  assert.ok(served.every((s) => /^v[12]$/.test(s.labels.version ?? '')))
  cli.child.kill('SIGINT')
  assert.equal((await once(cli.child, 'exit'))[0], 0, cli.output())
  assert.equal(await portFree(promPort), true, 'Prometheus stopped with the stack')

  const plain = startCli(t, ['up', '--base-port', String(BASE)], { ZDD_STATE_DIR: state })
  await waitForOutput(plain, 'Ctrl-C stops everything', 60_000)
  assert.doesNotMatch(plain.output(), /prometheus/)
  assert.equal(await portFree(promPort), true, 'no Prometheus without --prometheus')
  plain.child.kill('SIGINT')
  await once(plain.child, 'exit')
})

function runCliIn(state: string, args: string[]) {
  return runCli(args, 30_000, { ZDD_STATE_DIR: state })
}
