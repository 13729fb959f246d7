// A node drain through the real CLI, the way `kubectl drain` does it: cordon, evictions through the Eviction
// API, refused (429) while they would breach the PodDisruptionBudget and retried; the ReplicaSet replaces
// evicted pods on other nodes. With PDB + topology spread: zero loss, and the drain waits when it must.
// Without them (all replicas on one node, no PDB), and with the unprepared service: requests lost.
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { test } from 'node:test'
import type { RolloutReport } from '@zdd/rollout'
import { readJson, runCli, scratch } from '../helpers/cli.ts'

const RUN = [
  ...['--replicas', '4', '--nodes', '3', '--eviction-retry-ms', '1000'],
  ...['--rps', '250', '--connections', '64', '--warmup-ms', '1000', '--tail-ms', '1000'],
  ...['--propagation-delay-ms', '1000', '--propagation-jitter-ms', '300', '--shutdown-delay-ms', '2000'],
]

async function drain(t: Parameters<typeof scratch>[0], extra: string[]) {
  const report = join(await scratch(t), 'report.json')
  const run = await runCli(['demo', 'node-drain', ...RUN, ...extra, '--json', report])
  const r = await readJson<RolloutReport>(report)
  t.diagnostic(
    `${extra.join(' ') || 'PDB + spread'}: ${r.total} requests, ${r.failed} failed ${JSON.stringify(r.failures)}, p99 ${r.latencyMs.p99} ms, drain ${r.drain?.drainMs} ms, ${r.drain?.refusals} refused`,
  )
  return { run, r }
}

test('with a PDB and spread replicas the drain waits for the replacement, and loses zero requests', async (t) => {
  const { run, r } = await drain(t, [])
  assert.equal(run.code, 0, `${run.stdout}\n${run.stderr}`)
  assert.equal(r.strategy, 'node-drain')
  assert.equal(r.failed, 0, JSON.stringify(r.failures))
  assert.ok(r.phases.during.total >= (r.rolloutMs / 1000) * 200, 'at least 200 req/s during the drain')
  const d = r.drain
  assert.ok(d)
  assert.equal(d.pdb, 'maxUnavailable 1')
  assert.equal(d.node, 'node-1')
  assert.equal(d.before['node-1']?.length, 2, `spread: ${JSON.stringify(d.before)}`)
  assert.deepEqual(d.after['node-1'], [], 'the drained node is empty')
  assert.ok(d.refusals >= 1, 'the second eviction was refused while the first pod was being replaced')

  const refused = r.events.filter((e) => e.type === 'eviction-refused')
  assert.match(
    refused[0]?.detail ?? '',
    /^429 Cannot evict pod as it would violate the pod's disruption budget/,
  )
  const evicted = r.events.filter((e) => e.type === 'pod-evicted')
  assert.equal(evicted.length, 2)
  const [first, second] = evicted
  assert.ok(first && second)
  // The second eviction is accepted only once the first pod's replacement (created after it) is ready.
  const replacement = r.events.find((e) => e.type === 'pod-created' && e.tMs >= first.tMs)
  const replacementReady = r.events.find((e) => e.type === 'pod-ready' && e.pod === replacement?.pod)
  assert.ok(
    replacementReady && replacementReady.tMs <= second.tMs,
    'replacement ready before the next eviction',
  )
  assert.ok(refused.every((e) => e.tMs < second.tMs))
  const drained = r.events.find((e) => e.type === 'node-drained')
  assert.ok(drained && drained.tMs >= second.tMs)
  assert.match(replacement?.detail ?? '', /^on node-[23]$/, 'replaced on another node (node-1 is cordoned)')

  // The budget held: never fewer than 3 ready, non-terminating replicas during the drain.
  assert.ok(minHealthy(r) >= 3, `min healthy replicas ${minHealthy(r)}`)
  assert.equal(r.finalPods.length, 4)
  for (const pod of r.finalPods) {
    assert.equal(pod.ready, true)
    assert.notEqual(pod.node, 'node-1')
  }
  for (const term of r.terminations) assert.equal(term.exitCode, 0)
})

test('without PDB and spread every replica is evicted at once and requests are lost (control)', async (t) => {
  // Jitter 0: the replicas' endpoints all go one propagation delay after the eviction, their replacements'
  // arrive one startup later: the gap is the replacements' start time, whatever the machine's speed.
  const { run, r } = await drain(t, [
    '--pdb',
    'none',
    '--placement',
    'packed',
    '--propagation-jitter-ms',
    '0',
  ])
  assert.equal(run.code, 3, run.stdout)
  assert.equal(r.drain?.before['node-1']?.length, 4, 'packed on one node')
  assert.equal(r.drain?.refusals, 0, 'no budget: nothing refused')
  assert.ok(r.failed > 0, 'the control must show losses')
  assert.ok(r.downtime.totalMs > 0, 'a window with no endpoint at all')
  assert.match(run.stdout, /4 of 4 replicas ran on node-1 and with no disruption budget/)
})

test('the same drain with the unprepared service loses requests (control)', async (t) => {
  const { run, r } = await drain(t, ['--unprepared'])
  assert.equal(run.code, 3, run.stdout)
  assert.ok((r.drain?.refusals ?? 0) >= 1, 'the PDB still refused an eviction')
  assert.ok(r.failed > 0, 'the control must show losses')
})

/** Replays the events: the fewest ready, non-terminating pods between the drain's start and its end. */
function minHealthy(r: RolloutReport): number {
  const start = r.events.find((e) => e.type === 'rollout-started')?.tMs ?? 0
  const end = r.events.find((e) => e.type === 'node-drained')?.tMs ?? 0
  const healthy = new Set<string>()
  let min = Number.POSITIVE_INFINITY
  for (const e of r.events) {
    if (e.type === 'pod-ready') healthy.add(e.pod ?? '')
    if (e.type === 'pod-not-ready' || e.type === 'pod-terminating') healthy.delete(e.pod ?? '')
    if (e.tMs >= start && e.tMs <= end) min = Math.min(min, healthy.size)
  }
  return min
}
