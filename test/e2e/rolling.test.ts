// The foundation's proof: a rolling update of 3 catalog replicas v1 → v2 under open-loop keep-alive load,
// with endpoint propagation of ~1 s (with jitter) and SHUTDOWN_DELAY_MS above it, loses no request; the
// same run with the unprepared service (closes on SIGTERM) loses some. Both through the real CLI.
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { test } from 'node:test'
import type { RolloutReport } from '@zdd/rollout'
import { readJson, runCli, scratch } from '../helpers/cli.ts'

const RUN = [
  ...['--replicas', '3', '--rps', '250', '--connections', '32'],
  ...['--propagation-delay-ms', '1000', '--propagation-jitter-ms', '300', '--shutdown-delay-ms', '2000'],
]

test('rolling update with @zdd/lifecycle loses zero requests', async (t) => {
  const report = join(await scratch(t), 'report.json')
  const run = await runCli(['demo', 'rolling', ...RUN, '--json', report])
  const r = await readJson<RolloutReport>(report)
  t.diagnostic(
    `prepared: ${r.total} requests, ${r.failed} failed, p99 ${r.latencyMs.p99} ms, ${r.durationMs} ms`,
  )
  assert.equal(run.code, 0, `exit code 0 means no request was lost\n${run.stdout}\n${run.stderr}`)
  assert.equal(r.failed, 0, `failures: ${JSON.stringify(r.failures)}`)
  // The schema the issue fixes, with real numbers in it.
  for (const key of [
    'strategy',
    'unprepared',
    'durationMs',
    'total',
    'ok',
    'failed',
    'failures',
    'versions',
    'latencyMs',
  ]) {
    assert.ok(key in r, `report has ${key}`)
  }
  assert.equal(r.strategy, 'rolling')
  assert.equal(r.unprepared, false)
  assert.equal(r.ok, r.total)
  // Load really was ≥ 200 req/s while the rollout ran, and traffic really moved from v1 to v2.
  const duringMs =
    (r.events.find((e) => e.type === 'rollout-complete')?.tMs ?? 0) -
    (r.events.find((e) => e.type === 'rollout-started')?.tMs ?? 0)
  assert.ok(
    r.phases.during.total >= (duringMs / 1000) * 200,
    `${r.phases.during.total} requests in ${duringMs} ms of rollout`,
  )
  assert.ok((r.versions.v1 ?? 0) > 0 && (r.versions.v2 ?? 0) > 0, JSON.stringify(r.versions))
  assert.ok(r.balancer.connections > 3, 'keep-alive connections were reopened through the balancer')
  // Every replica serves v2 at the end, and every old pod drained and exited 0 without SIGKILL.
  assert.deepEqual(
    r.finalPods.map((p) => [p.version, p.ready]),
    [
      ['v2', true],
      ['v2', true],
      ['v2', true],
    ],
  )
  assert.equal(r.terminations.length, 3)
  for (const term of r.terminations) {
    assert.equal(term.exitCode, 0, `${term.pod} exit code`)
    assert.equal(term.sigkill, false)
    assert.ok(term.durationMs >= 2000, `${term.pod} drained for its shutdown delay (${term.durationMs} ms)`)
  }
  assert.equal(r.phases.after.versions.v1 ?? 0, 0, 'no v1 response after the rollout completed')
  assertDeploymentSemantics(r)
})

/** Replays the event log: surge and availability bounds held, endpoints followed pods after the propagation delay. */
function assertDeploymentSemantics(r: RolloutReport): void {
  const start = r.events.find((e) => e.type === 'rollout-started')?.tMs ?? 0
  const end = r.events.find((e) => e.type === 'rollout-complete')?.tMs ?? 0
  const live = new Set<string>()
  const ready = new Set<string>()
  let maxLive = 0
  let minReady = Number.POSITIVE_INFINITY
  const terminatingAt = new Map<string, number>()
  const removalDelays: number[] = []
  for (const e of r.events) {
    const pod = e.pod ?? ''
    if (e.type === 'pod-created') live.add(pod)
    if (e.type === 'pod-ready') ready.add(pod)
    if (e.type === 'pod-not-ready') ready.delete(pod)
    if (e.type === 'pod-terminating') {
      live.delete(pod)
      ready.delete(pod)
      terminatingAt.set(pod, e.tMs)
    }
    if (e.type === 'endpoint-removed' && terminatingAt.has(pod))
      removalDelays.push(e.tMs - (terminatingAt.get(pod) ?? 0))
    if (e.tMs >= start && e.tMs <= end) {
      maxLive = Math.max(maxLive, live.size)
      minReady = Math.min(minReady, ready.size)
    }
  }
  // 3 replicas, maxSurge 25% → 1 (rounded up), maxUnavailable 25% → 0 (rounded down).
  assert.ok(maxLive <= 4, `at most replicas + maxSurge pods at once (saw ${maxLive})`)
  assert.ok(minReady >= 3, `never fewer than replicas - maxUnavailable ready pods (saw ${minReady})`)
  assert.equal(removalDelays.length, 3)
  for (const delay of removalDelays) {
    assert.ok(
      delay >= 650 && delay <= 1300 + 250,
      `endpoint removed ${delay} ms after deletion (1000 ± 300 ms)`,
    )
  }
}

test('the same rolling update with the unprepared service loses requests (control)', async (t) => {
  const report = join(await scratch(t), 'report.json')
  const run = await runCli(['demo', 'rolling', ...RUN, '--unprepared', '--json', report])
  const r = await readJson<RolloutReport>(report)
  t.diagnostic(`unprepared: ${r.total} requests, ${r.failed} failed ${JSON.stringify(r.failures)}`)
  assert.equal(run.code, 3, `exit code 3 means requests were lost\n${run.stdout}`)
  assert.equal(r.unprepared, true)
  assert.ok(r.failed > 0, 'the control must show losses, or the harness cannot see them')
  assert.match(run.stdout, /LOST \d+ of \d+ requests/)
})
