// Adding a scenario is adding one file: test/fixtures/scenarios/pod-restart.scenario.ts is a scenario the
// repository does not know. Through ZDD_SCENARIO_DIRS the real CLI finds it; its flags, help, validation
// and the report's options all come from the schema in that file, and nothing else was changed for it.
// The control: without the folder, the same command does not know the scenario.
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { test } from 'node:test'
import type { RolloutReport } from '@zdd/rollout'
import { readJson, runCli, scratch } from '../helpers/cli.ts'

const DIRS = { ZDD_SCENARIO_DIRS: new URL('../fixtures/scenarios', import.meta.url).pathname }

test('without its folder the CLI does not know the scenario (the control)', async () => {
  const run = await runCli(['demo', 'pod-restart', '--help'])
  assert.equal(run.code, 2)
  assert.match(run.stderr, /unknown strategy "pod-restart"; available: rolling, recreate/)
})

test('one file gives a scenario its help, its flags and their validation', async () => {
  const help = await runCli(['demo', 'pod-restart', '--help'], 60_000, DIRS)
  assert.equal(help.code, 0, help.stderr)
  assert.match(help.stdout, /--pods <value> +pods to delete, one after another \(1-20\) \(default 1\)/)
  assert.match(
    help.stdout,
    /--pause-ms <value> +wait after each replacement is ready \(0-60000\) \(default 500\)/,
  )
  assert.match(help.stdout, /--replicas <value>/, 'and the options every run takes')
  const overview = await runCli(['help'], 60_000, DIRS)
  assert.match(overview.stdout, /demo pod-restart \[options\] +pods deleted one at a time/)

  const bounds = await runCli(['demo', 'pod-restart', '--pods', '0'], 60_000, DIRS)
  assert.equal(bounds.code, 2)
  assert.match(bounds.stderr, /--pods must be a whole number from 1 to 20 \(got "0"\)/)
  const across = await runCli(['demo', 'pod-restart', '--pods', '5', '--replicas', '3'], 60_000, DIRS)
  assert.equal(across.code, 2)
  assert.match(across.stderr, /--pods must not exceed the replicas \(3\) \(got "5"\)/)
  const foreign = await runCli(['demo', 'rolling', '--pods', '1'], 60_000, DIRS)
  assert.equal(foreign.code, 2)
  assert.match(foreign.stderr, /--pods applies to pod-restart only/)
})

test('the new scenario runs under load, and the report carries its options as resolved', async (t) => {
  const report = join(await scratch(t), 'report.json')
  const run = await runCli(
    [
      'demo',
      'pod-restart',
      '--pods',
      '2',
      '--rps',
      '100',
      '--warmup-ms',
      '500',
      '--tail-ms',
      '500',
      '--json',
      report,
    ],
    120_000,
    DIRS,
  )
  const r = await readJson<RolloutReport>(report)
  t.diagnostic(`pod-restart: ${r.total} requests, ${r.failed} failed, ${r.terminations.length} pods deleted`)
  assert.equal(r.strategy, 'pod-restart')
  assert.deepEqual(r.parameters.scenario, { kind: 'pod-restart', pods: 2, pauseMs: 500 })
  assert.equal(r.parameters.replicas, 3, 'the general default, as no flag set it')
  assert.equal(r.terminations.length, 2, 'it deleted the two pods it was asked to')
  assert.ok(r.total > 0)
  assert.equal(run.code, r.failed === 0 ? 0 : 3, 'the exit code follows the report')
})
