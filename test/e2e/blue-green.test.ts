// Blue-green through the real CLI: green starts next to blue, is checked directly, the Service's selector
// moves to green in one endpoint update, blue stays for the scale-down delay and is then stopped (or, with
// --rollback, the selector moves back and green is stopped). Prepared: nothing lost either way.
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { test } from 'node:test'
import type { RolloutEvent, RolloutReport } from '@zdd/rollout'
import { readJson, runCli, scratch } from '../helpers/cli.ts'

const RUN = [
  ...['--replicas', '3', '--rps', '250', '--connections', '32', '--warmup-ms', '1000', '--tail-ms', '1000'],
  ...['--propagation-delay-ms', '1000', '--propagation-jitter-ms', '300', '--shutdown-delay-ms', '2000'],
]

const at = (r: RolloutReport, type: string, pred: (e: RolloutEvent) => boolean = () => true) =>
  r.events.filter((e) => e.type === type && pred(e))

test('blue-green: preview, selector switch, blue stopped after the scale-down delay, zero loss', async (t) => {
  const report = join(await scratch(t), 'report.json')
  const run = await runCli(['demo', 'blue-green', ...RUN, '--preview', '--json', report])
  const r = await readJson<RolloutReport>(report)
  t.diagnostic(
    `blue-green: ${r.total} requests, ${r.failed} failed, p99 ${r.latencyMs.p99} ms, change ${r.rolloutMs} ms`,
  )
  assert.equal(run.code, 0, `${run.stdout}\n${run.stderr}`)
  assert.equal(r.strategy, 'blue-green')
  assert.equal(r.failed, 0, JSON.stringify(r.failures))
  assert.ok(r.phases.during.total >= (r.rolloutMs / 1000) * 200, 'at least 200 req/s during the change')
  assert.ok((r.versions.v1 ?? 0) > 0 && (r.versions.v2 ?? 0) > 0, JSON.stringify(r.versions))
  assert.equal(r.blueGreen?.preview?.ok, true, JSON.stringify(r.blueGreen?.preview))
  assert.equal(r.blueGreen?.active, 'green')
  assert.equal(r.downtime.totalMs, 0, 'one endpoint update: never a moment without endpoints')

  // The switch comes after the preview; blue's endpoints go one propagation delay later, all together
  // with green's arrival; blue's pods are deleted only after the scale-down delay (3300 ms by default).
  const [preview] = at(r, 'preview-checked')
  const [switched] = at(r, 'selector-switched')
  assert.ok(preview && switched && switched.tMs >= preview.tMs, 'switch after the preview')
  const blueRemoved = at(r, 'endpoint-removed', (e) => e.pod?.includes('-blue-') === true)
  const greenAdded = at(r, 'endpoint-added', (e) => e.pod?.includes('-green-') === true)
  assert.equal(blueRemoved.length, 3)
  assert.equal(greenAdded.length, 3)
  const updateAt = [...blueRemoved, ...greenAdded].map((e) => e.tMs)
  assert.ok(Math.max(...updateAt) - Math.min(...updateAt) <= 5, `one EndpointSlice update: ${updateAt}`)
  for (const e of at(r, 'pod-terminating')) {
    assert.match(e.pod ?? '', /-blue-/)
    assert.ok(e.tMs - switched.tMs >= 3300 - 50, `blue kept ${e.tMs - switched.tMs} ms after the switch`)
  }
  assert.deepEqual(
    r.finalPods.map((p) => [p.version, p.ready]),
    [
      ['v2', true],
      ['v2', true],
      ['v2', true],
    ],
  )
  for (const term of r.terminations) {
    assert.equal(term.exitCode, 0)
    assert.equal(term.sigkill, false)
  }
  assert.equal(r.phases.after.versions.v1 ?? 0, 0, 'no blue response after the change')
})

test('blue-green --rollback switches back to blue and stops green, zero loss', async (t) => {
  const report = join(await scratch(t), 'report.json')
  // Connections recycled every 10 requests, so traffic does reach green before the rollback.
  const args = ['demo', 'blue-green', ...RUN, '--rollback', '--max-requests-per-connection', '10']
  const run = await runCli([...args, '--scale-down-delay-ms', '2500', '--json', report])
  const r = await readJson<RolloutReport>(report)
  t.diagnostic(`rollback: ${r.total} requests, ${r.failed} failed, v2 served ${r.versions.v2 ?? 0}`)
  assert.equal(run.code, 0, `${run.stdout}\n${run.stderr}`)
  assert.equal(r.failed, 0, JSON.stringify(r.failures))
  assert.equal(at(r, 'selector-switched').length, 2)
  assert.equal(r.blueGreen?.active, 'blue')
  assert.ok((r.versions.v2 ?? 0) > 0, 'green served between the switch and the rollback')
  assert.deepEqual(
    r.finalPods.map((p) => p.version),
    ['v1', 'v1', 'v1'],
  )
  assert.deepEqual(
    r.terminations.map((term) => term.pod.includes('-green-')),
    [true, true, true],
    'green is what was stopped',
  )
  assert.equal(r.phases.after.versions.v2 ?? 0, 0, 'no green response after the rollback completed')
})

test('blue-green without a scale-down delay: the unprepared service loses requests (control)', async (t) => {
  // Stopping blue right at the switch (what `kubectl delete` after the switch does): blue is still an
  // endpoint for a propagation delay, and the unprepared pods refuse what routers still send them.
  const report = join(await scratch(t), 'report.json')
  const args = ['demo', 'blue-green', ...RUN, '--scale-down-delay-ms', '0', '--unprepared']
  const run = await runCli([...args, '--json', report])
  const r = await readJson<RolloutReport>(report)
  t.diagnostic(`unprepared, no delay: ${r.total} requests, ${r.failed} failed ${JSON.stringify(r.failures)}`)
  assert.equal(run.code, 3, run.stdout)
  assert.equal(r.unprepared, true)
  assert.ok(r.failed > 0, 'the control must show losses')
  assert.ok((r.perVersion.v1?.failed ?? 0) > 0, 'traced to the blue pods')
  assert.match(run.stdout, /LOST \d+ of \d+ requests/)
})
