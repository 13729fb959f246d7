// Issue 16's proof on the harness: a canary judged by a real Prometheus scraping every pod. A good canary
// is promoted step by step, a bad one (it fails a share of its requests) is aborted by its analysis, an idle
// one (the Service never sends it traffic) is never promoted and pauses; an operator in another process
// sees the same state and aborts mid-step. Each run is the control of the others: the same queries find
// errors only where the bad build made them, and canary traffic only where the Service sent it.
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { test } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import type { RolloutReport, RolloutState } from '@zdd/rollout'
import { readJson, runCli, scratch, startCli } from '../helpers/cli.ts'

type Report = RolloutReport & { progressive: NonNullable<RolloutReport['progressive']> }

async function progressive(t: Parameters<typeof scratch>[0], args: string[]) {
  const dir = await scratch(t)
  const file = join(dir, 'report.json')
  const run = await runCli(['demo', 'progressive', ...args, '--json', file], 240_000, { ZDD_STATE_DIR: dir })
  return { run, report: await readJson<Report>(file) }
}

test('a good canary is promoted step by step, each step passed on Prometheus numbers with enough requests', async (t) => {
  const { run, report } = await progressive(t, ['--canary', 'good'])
  assert.equal(run.code, 0, run.stdout + run.stderr)
  const p = report.progressive
  assert.equal(p.outcome, 'promoted')
  assert.equal(p.source, 'prometheus')
  assert.equal(report.failed, 0, 'no request lost to the traffic shifts')
  assert.deepEqual(
    p.steps.map((s) => s.weightPercent),
    [25, 50],
  )
  for (const step of p.steps) {
    const last = step.analyses.at(-1)
    assert.equal(last?.outcome, 'pass', `step ${step.weightPercent}% passed`)
    assert.ok(last && last.canary.requests >= last.minRequests, 'never on too few requests')
    // Before the passing look, every look waited for more traffic on one side: the canary's, or the
    // stable's when the two share the Service evenly (at 50 % the canary may reach the minimum first).
    const short = (a: (typeof step.analyses)[number]) =>
      a.canary.requests < a.minRequests || a.stable.requests < a.minRequests
    assert.ok(
      step.analyses.slice(0, -1).every((a) => a.outcome === 'inconclusive' && short(a)),
      `every earlier look waited for more traffic: ${JSON.stringify(step.analyses.map((a) => [a.outcome, a.canary.requests, a.stable.requests]))}`,
    )
    assert.match(last?.queries.requests ?? '', /http_requests_total\{service="catalog"\}/)
  }
  // Prometheus counted requests the load really sent to v2, never more.
  const counted = p.steps.flatMap((s) => s.analyses.at(-1)?.canary.requests ?? 0)
  assert.ok(counted.every((n) => n <= (report.versions.v2 ?? 0)))
  assert.ok(report.finalPods.every((pod) => pod.version === 'v2'))
  assert.match(run.stdout, /outcome +PROMOTED: every step passed its analysis/)
})

test('a bad canary is aborted by its analysis: stable restored, its users paid only its own errors', async (t) => {
  const { run, report } = await progressive(t, ['--canary', 'bad', '--bad-error-percent', '5'])
  assert.equal(run.code, 4, run.stdout + run.stderr)
  const p = report.progressive
  assert.equal(p.outcome, 'aborted')
  const failing = p.steps[0]?.analyses.at(-1)
  assert.equal(failing?.outcome, 'fail')
  assert.ok((failing?.canary.errors ?? 0) > 0, 'Prometheus saw the canary fail')
  assert.equal(failing?.stable.errors, 0, 'and the stable not')
  assert.equal(p.steps[1]?.analyses.length, 0, 'it never reached the second step')
  assert.equal(p.lostToShifts, 0, 'nothing lost to the shifts')
  assert.equal(p.canaryFailures, report.failed, "every failure is the canary's own 5xx")
  assert.ok(
    report.finalPods.every((pod) => pod.version === 'v1'),
    'stable at full size, canary gone',
  )
  assert.match(run.stdout, /budget +\d+ request\(s\) failed answered by the canary itself/)
})

test('a canary that gets no traffic is never promoted: inconclusive, then paused with the reason', async (t) => {
  const { run, report } = await progressive(t, ['--canary', 'idle', '--step-timeout-ms', '5000'])
  assert.equal(run.code, 5, run.stdout + run.stderr)
  const p = report.progressive
  assert.equal(p.outcome, 'paused')
  const looks = p.steps[0]?.analyses ?? []
  assert.ok(looks.length > 0)
  assert.ok(looks.every((a) => a.outcome === 'inconclusive' && a.canary.requests === 0))
  // The control: the same query measured the stable, so 0 is the canary's traffic, not a broken query.
  assert.ok((looks.at(-1)?.stable.requests ?? 0) >= (looks.at(-1)?.minRequests ?? 1))
  assert.match(p.reason, /^step 1 stayed inconclusive for 5000 ms: 0 canary requests/)
  assert.ok(
    report.finalPods.some((pod) => pod.version === 'v1'),
    'not promoted',
  )
})

test('a second process reads the same state, and its abort is taken before the next look', async (t) => {
  const dir = await scratch(t)
  const file = join(dir, 'report.json')
  const env = { ZDD_STATE_DIR: dir }
  // A good canary held inconclusive (it would need far more requests): the rollout keeps looking.
  const demo = startCli(
    t,
    ['demo', 'progressive', '--min-requests', '1000000', '--decision-interval-ms', '5000', '--json', file],
    env,
  )
  let state: RolloutState | undefined
  while (!state?.lastAnalysis) {
    await sleep(250)
    const status = await runCli(['canary', 'status', '--json'], 30_000, env)
    if (status.code === 0) state = JSON.parse(status.stdout) as RolloutState
  }
  assert.equal(state.app, 'catalog')
  assert.equal(state.phase, 'progressing')
  assert.equal(state.step, 1)
  assert.equal(state.lastAnalysis.outcome, 'inconclusive')
  const words = await runCli(['canary', 'status'], 30_000, env)
  assert.match(words.stdout, /catalog: v1 → v2, PROGRESSING, step 1 of 3: 25% canary/)

  const abort = await runCli(['canary', 'abort'], 60_000, env)
  assert.equal(abort.code, 0, abort.stderr)
  assert.match(abort.stdout, /^abort: taken after \d+ ms; now aborted/)
  const exit = await new Promise((resolve) => demo.child.once('exit', resolve))
  assert.equal(exit, 4, demo.output())
  const report = await readJson<Report>(file)
  const p = report.progressive
  assert.equal(p.outcome, 'aborted')
  assert.match(p.reason, /^aborted by zdd canary abort \(pid \d+\)/)
  const [command] = p.commands
  assert.ok(command)
  const looksBetween = p.steps
    .flatMap((s) => s.analyses)
    .filter((a) => a.window[1] > command.sentAtMs && a.window[1] <= command.atMs)
  assert.equal(looksBetween.length, 0, 'no look happened between the command and its effect')
  assert.equal(report.failed, 0)

  const again = await runCli(['canary', 'abort'], 30_000, env)
  assert.equal(again.code, 6, 'an aborted rollout cannot be aborted again')
  assert.match(again.stderr, /Cannot abort the rollout of catalog: it is already aborted/)
})

// The same plan with the gateway's weighted route (--shift gateway): the stable keeps its pods, the canary
// runs beside it, and the gateway sends it a % of users by its catalog-canary flag. The share is the weight
// (per user, not per connection as with a replica ratio), and an abort moves every user back by the flag.
const onCatalog = (report: Report) => report.finalPods.filter((pod) => pod.name.startsWith('catalog-'))

test('--shift gateway: a good canary is promoted at 20 % then 50 % of users, its share of requests the weight', async (t) => {
  const { run, report } = await progressive(t, ['--shift', 'gateway', '--canary', 'good'])
  assert.equal(run.code, 0, run.stdout + run.stderr)
  const p = report.progressive
  assert.equal(p.outcome, 'promoted')
  assert.equal(p.mechanism, 'gateway flag catalog-canary')
  assert.equal(report.failed, 0, 'no request lost to the traffic shifts')
  assert.deepEqual(
    p.steps.map((s) => [s.weightPercent, s.stableReplicas]),
    [
      [20, 4],
      [50, 4],
    ],
    'the stable keeps its 4 pods at every step',
  )
  for (const step of p.steps) {
    const last = step.analyses.at(-1)
    assert.equal(last?.outcome, 'pass', `step ${step.weightPercent}% passed`)
    const share =
      (100 * (last?.canary.requests ?? 0)) / ((last?.canary.requests ?? 0) + (last?.stable.requests ?? 1))
    // 1,000 users in turn, each in or out of the canary by its hash: the share of requests is the share of
    // users, within a few points (8 is several standard deviations at 1,000 users).
    assert.ok(Math.abs(share - step.weightPercent) < 8, `step ${step.weightPercent}%: canary share ${share}%`)
  }
  assert.ok(onCatalog(report).every((pod) => pod.version === 'v2'))
  assert.ok(report.gateway, 'the load went through the gateway')
  assert.match(run.stdout, /traffic +gateway flag catalog-canary/)
})

test('--shift gateway: a bad canary is aborted, every user sent back by the flag before its pods leave', async (t) => {
  const { run, report } = await progressive(t, ['--shift', 'gateway', '--canary', 'bad'])
  assert.equal(run.code, 4, run.stdout + run.stderr)
  const p = report.progressive
  assert.equal(p.outcome, 'aborted')
  assert.equal(p.steps[0]?.analyses.at(-1)?.outcome, 'fail')
  assert.equal(p.lostToShifts, 0, 'nothing lost to the shifts')
  assert.equal(p.canaryFailures, report.failed, "every failure is the canary's own 5xx")
  const types = report.events.map((e) => `${e.type} ${e.detail ?? ''}`)
  const aborted = types.findIndex((e) => e.startsWith('rollout-aborted'))
  const back = types.findIndex((e) => e === 'weight-changed catalog-canary 20% → 0%')
  const removed = types.findIndex((e, i) => i > aborted && e.startsWith('scaled catalog-canary'))
  assert.ok(aborted >= 0 && back > aborted && removed > back, types.join('\n'))
  assert.ok(onCatalog(report).every((pod) => pod.version === 'v1'))
})

test('--shift gateway: a canary the route never sends anyone is never promoted', async (t) => {
  const { run, report } = await progressive(t, [
    '--shift',
    'gateway',
    '--canary',
    'idle',
    '--step-timeout-ms',
    '5000',
  ])
  assert.equal(run.code, 5, run.stdout + run.stderr)
  const looks = report.progressive.steps[0]?.analyses ?? []
  assert.ok(looks.length > 0)
  assert.ok(looks.every((a) => a.outcome === 'inconclusive' && a.canary.requests === 0))
  assert.ok((looks.at(-1)?.stable.requests ?? 0) >= (looks.at(-1)?.minRequests ?? 1))
  assert.equal(report.progressive.outcome, 'paused')
})
