// Replica-ratio canary through the real CLI: stable and canary Deployments behind one Service, the canary
// stepped 1 of 4 → 2 of 4 → all (the stable rolled to v2, the canary removed), each step paused and judged
// on its error rate. Prepared: nothing lost and the canary's share grows. Unprepared: requests lost (and the
// canary aborts on them).
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { test } from 'node:test'
import type { RolloutReport } from '@zdd/rollout'
import { readJson, runCli, scratch } from '../helpers/cli.ts'

const RUN = [
  ...['--replicas', '4', '--steps', '1,2,all', '--step-pause-ms', '1200'],
  ...['--rps', '250', '--connections', '32', '--warmup-ms', '1000', '--tail-ms', '500'],
  ...['--propagation-delay-ms', '1000', '--propagation-jitter-ms', '300', '--shutdown-delay-ms', '2000'],
]

test('canary 1 of 4 → 2 of 4 → all loses zero requests, with the share observed at each step', async (t) => {
  const report = join(await scratch(t), 'report.json')
  const run = await runCli(['demo', 'canary', ...RUN, '--json', report])
  const r = await readJson<RolloutReport>(report)
  const shares = r.canary?.steps.map((s) => `${s.step}: v2 ${Math.round((s.share.v2 ?? 0) * 100)}%`)
  t.diagnostic(
    `canary: ${r.total} requests, ${r.failed} failed, p99 ${r.latencyMs.p99} ms; ${shares?.join(', ')}`,
  )
  assert.equal(run.code, 0, `${run.stdout}\n${run.stderr}`)
  assert.equal(r.strategy, 'canary')
  assert.equal(r.failed, 0, JSON.stringify(r.failures))
  assert.ok(r.phases.during.total >= (r.rolloutMs / 1000) * 200, 'at least 200 req/s during the change')
  assert.equal(r.aborted, undefined)
  const steps = r.canary?.steps ?? []
  assert.deepEqual(
    steps.map((s) => [s.step, s.canaryReplicas, s.stableReplicas, s.failed]),
    [
      ['1 of 4', 1, 3, 0],
      ['2 of 4', 2, 2, 0],
      ['all', 0, 4, 0],
    ],
  )
  // kube-proxy balances connections: the share follows the ratio as clients reconnect, not exactly.
  const [one, two] = steps.map((s) => s.share.v2 ?? 0)
  assert.ok(one !== undefined && two !== undefined && one > 0 && two > one, `v2 share grows: ${shares}`)
  assert.ok(one < 0.5, `one canary pod of four does not take most of the traffic (${one})`)
  assert.equal(r.canary?.promoted, true)
  assert.equal(r.events.filter((e) => e.type === 'canary-observed').length, 3)
  assert.deepEqual(
    r.finalPods.map((p) => [p.name.replace(/-[0-9a-z]{4}$/, ''), p.version, p.ready]),
    Array.from({ length: 4 }, () => ['catalog-stable-v2', 'v2', true]),
  )
  for (const term of r.terminations) assert.equal(term.exitCode, 0, `${term.pod} drained`)
  assert.equal(r.terminations.length, 6, '4 stable v1 pods and 2 canary pods stopped')
  assert.equal(r.phases.after.versions.v1 ?? 0, 0, 'no v1 response after the promotion')
})

test('the same canary with the unprepared service loses requests (control)', async (t) => {
  const report = join(await scratch(t), 'report.json')
  const run = await runCli(['demo', 'canary', ...RUN, '--unprepared', '--json', report])
  const r = await readJson<RolloutReport>(report)
  t.diagnostic(`unprepared: ${r.total} requests, ${r.failed} failed; ${r.aborted ?? 'not aborted'}`)
  assert.equal(run.code, 3, run.stdout)
  assert.ok(r.failed > 0, 'the control must show losses')
  // Any failed request in a step aborts the canary (--max-error-percent 0): stable restored, canary gone.
  if (r.aborted) {
    assert.match(r.aborted, /canary aborted at \d of 4/)
    assert.deepEqual(
      r.finalPods.map((p) => p.version),
      ['v1', 'v1', 'v1', 'v1'],
    )
    assert.match(run.stdout, /ABORTED: canary aborted/)
  }
})
