// The lifecycle's defaults under a rolling update whose endpoint propagation (2 s ± 0.5 s) is twice the
// adaptive drain's quiet period and longer than any delay: no SHUTDOWN_DELAY_MS is given, the pods keep
// serving while the Service still sends them connections, and nothing is lost. The control is the fixed
// drain with the same (zero) delay, what the lifecycle did by default before: it loses requests.
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { test } from 'node:test'
import type { RolloutReport } from '@zdd/rollout'
import { readJson, runCli, scratch } from '../helpers/cli.ts'

const RUN = [
  ...['--replicas', '3', '--rps', '250', '--connections', '32'],
  ...['--propagation-delay-ms', '2000', '--propagation-jitter-ms', '500'],
]

async function rolling(t: Parameters<typeof scratch>[0], extra: string[]) {
  const file = join(await scratch(t), 'report.json')
  const run = await runCli(['demo', 'rolling', ...RUN, ...extra, '--json', file])
  const report = await readJson<RolloutReport>(file)
  const exits = report.terminations.map((term) => term.durationMs)
  t.diagnostic(
    `${extra.join(' ') || 'defaults'}: ${report.failed} of ${report.total} lost (${JSON.stringify(report.failures)}); old pods exited ${exits.join(', ')} ms after SIGTERM`,
  )
  return { run, report }
}

test('rolling update, the lifecycle defaults (no SHUTDOWN_* set): zero lost past a 2 s propagation', async (t) => {
  const { run, report } = await rolling(t, [])
  assert.equal(report.parameters.shutdownDelayMs, 0)
  assert.equal(report.failed, 0, `failures: ${JSON.stringify(report.failures)}`)
  assert.equal(run.code, 0)
  assert.match(run.stdout, /drain: until 1 s without new connections \(the lifecycle defaults\)/)
  for (const term of report.terminations) {
    assert.equal(term.exitCode, 0, term.pod)
    assert.equal(term.sigkill, false, term.pod)
  }
})

test('control: the fixed drain with the same zero delay loses requests', async (t) => {
  const { run, report } = await rolling(t, ['--shutdown-quiet-ms', '0'])
  assert.ok(report.failed > 0, `the fixed drain lost nothing: ${JSON.stringify(report.failures)}`)
  assert.equal(run.code, 3)
  assert.match(run.stdout, /drain: fixed, 0 ms/)
})
