import assert from 'node:assert/strict'
import { test } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { FLAG } from '@zdd/flags'
import { flagsFile } from '../helpers/flags.ts'
import { E2E, type GatewayProcess, startGateway } from '../helpers/gateway.ts'
import { sendAs, share, users } from '../helpers/load.ts'
import { catalogRoutes } from '../helpers/routes.ts'
import { startUpstream } from '../helpers/upstream.ts'

async function rolloutInUse(gateway: GatewayProcess, percent: number): Promise<void> {
  const deadline = performance.now() + 5000
  for (;;) {
    const session = (await (await fetch(`${gateway.url}/_zdd/session`)).json()) as {
      flags: Array<{ name: string; rollout?: number }>
    }
    if (session.flags.find((flag) => flag.name === FLAG.catalogCanary)?.rollout === percent) return
    assert.ok(performance.now() < deadline, `rollout ${percent} % not in use after 5 s`)
    await sleep(50)
  }
}

test('canary: the rollout % picks that share of users; raising it only adds users', E2E, async (t) => {
  const stable = await startUpstream(t, 'catalog', { version: 'v1' })
  const canary = await startUpstream(t, 'catalog-canary', { version: 'v2' })
  const flags = await flagsFile(t, { canary: 10 })
  const gateway = await startGateway(t, {
    routes: catalogRoutes(stable, canary),
    env: { FLAGS_FILE: flags.path, LOG_LEVEL: 'warn' },
  })
  const crowd = users('canary', 5000)

  const at10 = await sendAs(gateway.url, '/api/catalog/products', crowd, { concurrency: 64 })
  assert.ok(at10.every((r) => r.status === 200))
  for (const r of at10) {
    assert.equal(
      r.servedBy.startsWith('catalog-canary@v2/'),
      r.track === 'canary',
      `${r.track} served by ${r.servedBy}`,
    )
  }
  const share10 = share(at10, (r) => r.track === 'canary')
  assert.ok(Math.abs(share10 - 10) <= 2, `canary share at 10 % rollout: ${share10} %`)
  assert.equal(canary.seen.at(-1)?.url, '/products')
  assert.match(String(canary.seen.at(-1)?.headers.baggage), /zdd\.track=canary/)

  flags.update({ canary: 30 })
  await rolloutInUse(gateway, 30)
  const at30 = await sendAs(gateway.url, '/api/catalog/products', crowd, { concurrency: 64 })
  const share30 = share(at30, (r) => r.track === 'canary')
  t.diagnostic(
    `5,000 users: canary ${share10.toFixed(2)} % at rollout 10, ${share30.toFixed(2)} % at rollout 30`,
  )
  assert.ok(Math.abs(share30 - 30) <= 2, `canary share at 30 % rollout: ${share30} %`)
  const left = crowd.filter((_, i) => at10[i]?.track === 'canary' && at30[i]?.track !== 'canary')
  assert.deepEqual(left, [], 'users on the canary at 10 % must stay on it at 30 %')
})

test('canary: the x-zdd-track override is ignored unless GATEWAY_TRACK_OVERRIDE=true', E2E, async (t) => {
  const stable = await startUpstream(t, 'catalog', { version: 'v1' })
  const canary = await startUpstream(t, 'catalog-canary', { version: 'v2' })
  const flags = await flagsFile(t, { canary: 10 })
  const env = { FLAGS_FILE: flags.path, LOG_LEVEL: 'warn' }
  const routes = catalogRoutes(stable, canary)
  const [closed, open] = await Promise.all([
    startGateway(t, { routes, env }),
    startGateway(t, { routes, env: { ...env, GATEWAY_TRACK_OVERRIDE: 'true' } }),
  ])
  const crowd = users('override', 200)
  const natural = await sendAs(closed.url, '/api/catalog/products', crowd)
  const ask = (gateway: GatewayProcess, track: string) =>
    sendAs(gateway.url, '/api/catalog/products', crowd, { headers: { 'x-zdd-track': track } })

  for (const track of ['canary', 'stable']) {
    const ignored = await ask(closed, track)
    ignored.forEach((r, i) => {
      assert.equal(r.track, natural[i]?.track, `override ${track} must be ignored when not enabled`)
    })
    const obeyed = await ask(open, track)
    assert.ok(obeyed.every((r) => r.track === track && r.servedBy.includes(track === 'canary' ? 'v2' : 'v1')))
  }
  assert.ok(natural.some((r) => r.track === 'canary') && natural.some((r) => r.track === 'stable'))
  // The override is the gateway's business: upstreams never see the header.
  assert.ok(canary.seen.every((seen) => seen.headers['x-zdd-track'] === undefined))
})
