// Recreate shows its downtime even with well-prepared pods: every old pod is deleted before any new one
// exists, so the Service has no endpoint for a while. The report must see it and say why.
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { test } from 'node:test'
import type { RolloutReport } from '@zdd/rollout'
import { readJson, runCli, scratch } from '../helpers/cli.ts'

test('recreate with prepared pods still has a downtime window, and the report shows it', async (t) => {
  const report = join(await scratch(t), 'report.json')
  const args = ['demo', 'recreate', '--replicas', '2', '--rps', '200', '--propagation-delay-ms', '500']
  const run = await runCli([...args, '--propagation-jitter-ms', '100', '--json', report])
  const r = await readJson<RolloutReport>(report)
  t.diagnostic(
    `recreate: ${r.failed}/${r.total} failed, no endpoint for ${Math.round(r.downtime.totalMs)} ms`,
  )
  assert.equal(run.code, 3, run.stdout)
  assert.equal(r.strategy, 'recreate')
  assert.ok(r.downtime.totalMs > 0, 'a window with no endpoint')
  assert.ok(r.failed > 0)
  assert.equal(r.phases.before.failed, 0, 'nothing fails before the rollout')
  // Every failure is a connection the Service had nowhere to send (requests queued on it fail with it).
  assert.ok(r.balancer.noEndpoint > 0)
  assert.deepEqual(Object.keys(r.failures), ['reset'])
  assert.deepEqual(r.balancer.upstreamErrors, {}, 'no pod refused a connection: they drained')
  for (const term of r.terminations) assert.equal(term.exitCode, 0, 'the pods themselves drained cleanly')
  assert.match(run.stdout, /Recreate deletes every old pod before it creates new ones/)
})

test('usage errors name the flag', async () => {
  const run = await runCli(['demo', 'recreate', '--max-surge', '1'])
  assert.equal(run.code, 2)
  assert.match(run.stderr, /--max-surge applies to rolling only/)
  const bad = await runCli(['demo', 'rolling', '--rps', 'fast'])
  assert.equal(bad.code, 2)
  assert.match(bad.stderr, /--rps must be a whole number from 1 to 20000 \(got "fast"\)/)
  const unknown = await runCli(['demo', 'sideways'])
  assert.equal(unknown.code, 2)
  assert.match(unknown.stderr, /unknown strategy "sideways"; available: rolling, recreate/)
})
