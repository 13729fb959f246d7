// `zdd up` on a bad day: a service killed under load is restarted while the other routes keep serving; a
// second `zdd up` is told the first one runs; SIGKILL of `zdd up` (alone, or after a Ctrl-C, of its whole
// process group) leaves no service process and no port held.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { portFree } from '@zdd/test-support'
import { request } from 'undici'
import { freeBasePort, readJson, runCli, scratch, startCli, waitForOutput } from '../helpers/cli.ts'

interface UpState {
  pid: number
  services: Record<string, number>
}

const SERVICES = ['catalog', 'catalog-canary', 'recommendations-a', 'recommendations-b', 'gateway']

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

/** Until no pid is alive and no port is held, or the deadline: what is still there. */
async function leftovers(pids: number[], ports: number[], timeoutMs: number): Promise<string[]> {
  const deadline = performance.now() + timeoutMs
  for (;;) {
    const held = [
      ...pids.filter(alive).map((pid) => `pid ${pid}`),
      ...(await Promise.all(ports.map(async (port) => ((await portFree(port)) ? '' : `port ${port}`)))),
    ].filter(Boolean)
    if (held.length === 0 || performance.now() > deadline) return held
    await sleep(100)
  }
}

function stackPorts(base: number): number[] {
  return [0, 1, 2, 3, 4].flatMap((i) => [base + i, base + 6000 + i])
}

/** GETs `path` every 20 ms until `until()` says stop; counts answers that are not 200. */
async function load(origin: string, path: string, until: () => boolean) {
  const counts = { total: 0, failed: 0, lastOkAt: 0 }
  for (let i = 0; !until(); i++) {
    counts.total += 1
    try {
      const res = await request(`${origin}${path}`, { headers: { 'x-zdd-user': `load-${i % 50}` } })
      await res.body.dump()
      if (res.statusCode === 200) counts.lastOkAt = performance.now()
      else counts.failed += 1
    } catch {
      counts.failed += 1
    }
    await sleep(20)
  }
  return counts
}

test('zdd up supervises: a killed service is restarted and only its route fails meanwhile; a second zdd up is refused; SIGKILL of zdd up leaves nothing', {
  timeout: 120_000,
}, async (t) => {
  const state = await scratch(t)
  const base = await freeBasePort()
  const origin = `http://127.0.0.1:${base}`
  const up = startCli(t, ['up', '--base-port', String(base)], { ZDD_STATE_DIR: state })
  await waitForOutput(up, 'Ctrl-C stops everything')
  const before = await readJson<UpState>(`${state}/up.json`)
  assert.equal(before.pid, up.child.pid)
  assert.deepEqual(Object.keys(before.services).sort(), [...SERVICES].sort())

  // Both routes under load; catalog (the stable, v1) is killed; load runs until it served again and 1 s more.
  let stop = false
  const catalogLoad = load(origin, '/api/catalog/products', () => stop)
  const recommendationsLoad = load(origin, '/api/recommendations', () => stop)
  await sleep(1000)
  const killedAt = performance.now()
  process.kill(before.services.catalog as number, 'SIGKILL')
  await waitForOutput(up, /catalog killed by SIGKILL after [\d.]+ s; restarting in 250 ms/)
  await waitForOutput(up, /catalog ready again \(pid \d+, \d+ ms after its restart\)/)
  await sleep(1000)
  stop = true
  const [catalog, recommendations] = await Promise.all([catalogLoad, recommendationsLoad])
  t.diagnostic(
    `catalog route: ${catalog.failed} of ${catalog.total} failed while catalog was down; ` +
      `recommendations route: ${recommendations.failed} of ${recommendations.total}`,
  )
  assert.ok(catalog.failed >= 1, 'the kill did not reach the catalog route')
  assert.ok(catalog.lastOkAt > killedAt, 'the catalog route did not recover')
  assert.equal(recommendations.failed, 0)
  const after = await readJson<UpState>(`${state}/up.json`)
  assert.notEqual(after.services.catalog, before.services.catalog, 'up.json names the new catalog')
  assert.equal(up.child.exitCode, null, 'zdd up keeps running')

  // A second zdd up on the same state folder.
  const second = await runCli(['up', '--base-port', String(base)], 30_000, { ZDD_STATE_DIR: state })
  assert.equal(second.code, 2, second.stderr)
  assert.match(
    second.stderr,
    new RegExp(`zdd up is already running \\(pid ${up.child.pid}, gateway ${origin}/\\)`),
  )

  // SIGKILL of zdd up: every service gets the parent-death signal.
  up.child.kill('SIGKILL')
  const held = await leftovers(Object.values(after.services), stackPorts(base), 20_000)
  assert.deepEqual(held, [], `left behind after SIGKILL of zdd up:\n${up.output()}`)

  // The state file it left is stale: the next zdd up takes over (and is stopped at once).
  const third = startCli(t, ['up', '--base-port', String(base)], { ZDD_STATE_DIR: state })
  await waitForOutput(third, 'Ctrl-C stops everything')
  third.child.kill('SIGINT')
  await waitForOutput(third, /stopped \(exit codes: /)
})

test('Ctrl-C, then SIGKILL of the whole process group 3 s later: no service process and no port left', {
  timeout: 60_000,
}, async (t) => {
  const state = await scratch(t)
  const base = await freeBasePort()
  // Own process group for zdd up, as a shell gives a foreground job. The catalogs answer after 4 s (a knob
  // zdd up passes on): a request in flight keeps the gateway draining past the group's SIGKILL, before the
  // backends were told to stop.
  const up = startCli(
    t,
    ['up', '--base-port', String(base)],
    { ZDD_STATE_DIR: state, CATALOG_LATENCY_MS: '4000' },
    { detached: true },
  )
  await waitForOutput(up, 'Ctrl-C stops everything')
  const { services } = await readJson<UpState>(`${state}/up.json`)
  const slow = request(`http://127.0.0.1:${base}/api/catalog/products`).then(
    (res) => res.body.dump(),
    () => undefined,
  )
  await sleep(200)
  process.kill(-(up.child.pid as number), 'SIGINT')
  await sleep(3000)
  try {
    process.kill(-(up.child.pid as number), 'SIGKILL')
  } catch {
    // already gone: the graceful stop finished within 3 s
  }
  await slow
  const held = await leftovers(Object.values(services), stackPorts(base), 20_000)
  assert.deepEqual(held, [], `left behind:\n${up.output()}`)
})
