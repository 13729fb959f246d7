// Issue 6's app-level strategies through the real CLI, each a short run: a real gateway in front of real
// backends (each Deployment behind its own connection-level Service), 200 req/s of open-loop keep-alive
// load naming 1000 users in x-zdd-user, flags changed mid-run in the offline flags file the processes
// watch. canary-flags raises the rollout % and judges each track (and aborts on a slow canary), ab splits
// users by variant, shadow mirrors reads to a new version and compares, feature-switch flips a switch
// inside the catalog. Nothing is redeployed, and nothing may be lost.
import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { type TestContext, test } from 'node:test'
import type { RolloutReport } from '@zdd/rollout'
import { readJson, runCli, scratch } from '../helpers/cli.ts'

const LOAD = [
  ...['--replicas', '1', '--rps', '200', '--connections', '32', '--users', '1000'],
  ...['--propagation-delay-ms', '300', '--propagation-jitter-ms', '50'],
  ...['--warmup-ms', '600', '--tail-ms', '400'],
]

async function demo(t: TestContext, strategy: string, args: string[], html = false) {
  const dir = await scratch(t)
  const [json, page] = [join(dir, 'report.json'), join(dir, 'report.html')]
  const run = await runCli([
    'demo',
    strategy,
    ...LOAD,
    ...args,
    '--json',
    json,
    ...(html ? ['--html', page] : []),
  ])
  const r = await readJson<RolloutReport>(json)
  t.diagnostic(
    `${strategy}: ${r.total} requests, ${r.failed} failed, p99 ${r.latencyMs.p99} ms, change ${r.rolloutMs} ms`,
  )
  return { run, r, html: html ? await readFile(page, 'utf8') : '' }
}

/** 0 failed at ≥ 200 req/s during the change, over kept-alive connections through the gateway. */
function assertZeroLoss(r: RolloutReport): void {
  assert.equal(r.failed, 0, JSON.stringify(r.failures))
  assert.ok(
    r.phases.during.total >= Math.floor((r.rolloutMs / 1000) * 200) - 1,
    `at least 200 req/s during the change: ${r.phases.during.total} in ${r.rolloutMs} ms`,
  )
  assert.ok(r.balancer.connections <= 40, `keep-alive: ${r.balancer.connections} connections to the gateway`)
  assert.equal(r.gateway?.answered['200'], r.total, 'the gateway proxied every request, 200 each')
  assert.equal(r.gateway?.retries, 0, 'nothing stopped, so nothing to retry')
}

// A window of ~160-300 requests sees that many consecutive users of the pool, and their hash-based split
// is a sample (σ ≈ 0.04 at 50 %; a 50 % step reads 0.40-0.42 here, run after run): ±0.15 still tells the
// steps apart.
const near = (actual: number | undefined, expected: number, what: string) =>
  assert.ok(actual !== undefined && Math.abs(actual - expected) <= 0.15, `${what}: ${actual} ≉ ${expected}`)

test('canary-flags: 5 → 25 → 50 → 100 % of users, sticky, each step judged; weights drawn', async (t) => {
  const { run, r, html } = await demo(t, 'canary-flags', ['--step-pause-ms', '800'], true)
  const d = r.canaryFlags
  t.diagnostic(
    `shares ${d?.steps.map((s) => `${s.percent}%→${s.tracks.canary?.share}`).join(', ')}; left canary ${d?.leftCanary}`,
  )
  assert.equal(run.code, 0, `${run.stdout}\n${run.stderr}`)
  assertZeroLoss(r)
  assert.ok(d)
  assert.deepEqual(
    d.steps.map((s) => [s.percent, s.decision]),
    [
      [5, 'continue'],
      [25, 'continue'],
      [50, 'continue'],
      [100, 'continue'],
    ],
  )
  // The gateway's split follows the rollout %, as a share of requests and of users.
  for (const step of d.steps) {
    near(step.tracks.canary?.share, step.percent / 100, `${step.percent}% step, canary share of requests`)
    near(step.tracks.canary?.userShare, step.percent / 100, `${step.percent}% step, canary share of users`)
    assert.equal(step.tracks.canary?.failed, 0)
  }
  assert.equal(d.steps.at(-1)?.tracks.stable, undefined, 'at 100 % no request takes the stable track')
  assert.equal(d.completed, true)
  assert.equal(d.leftCanary, 0, 'raising the percentage only adds users')
  // Answers come from the version of the track the gateway named.
  assert.ok((r.versions.v1 ?? 0) > 0 && (r.versions.v2 ?? 0) > 0)
  assert.match(run.stdout, /steps +5% +canary \d+% of requests/)
  assert.match(run.stdout, /passed every step: the canary has 100% of the users/)
  // The HTML report marks each weight change on the time axis.
  const weights = r.events.filter((e) => e.type === 'weight-changed').map((e) => e.detail)
  assert.deepEqual(weights, [
    'catalog-canary 0% → 5%',
    'catalog-canary 5% → 25%',
    'catalog-canary 25% → 50%',
    'catalog-canary 50% → 100%',
  ])
  assert.equal(html.match(/class="marker weight-changed"/g)?.length, 4)
  assert.match(html, />weight 100%</)
})

test('canary-flags with a slow canary: aborted at 5 %, back to 0 %, the numbers printed', async (t) => {
  const { run, r } = await demo(t, 'canary-flags', ['--step-pause-ms', '800', '--canary-latency-ms', '1200'])
  t.diagnostic(r.aborted ?? 'not aborted')
  assert.equal(run.code, 4, 'aborted without a loss')
  assertZeroLoss(r)
  const d = r.canaryFlags
  assert.equal(d?.steps.length, 1)
  const [step] = d?.steps ?? []
  assert.equal(step?.decision, 'abort')
  assert.ok((step?.tracks.canary?.latencyMs.p99 ?? 0) >= 1200, 'the whole canary p99 was measured')
  // Against the canary's p99 in the same step, not a wall-clock bound: a busy machine slows both.
  const stableP99 = step?.tracks.stable?.latencyMs.p99 ?? Number.POSITIVE_INFINITY
  const canaryP99 = step?.tracks.canary?.latencyMs.p99 ?? 0
  assert.ok(
    stableP99 < canaryP99,
    `the stable (p99 ${stableP99} ms) is not held up by the canary (${canaryP99} ms)`,
  )
  assert.match(
    r.aborted ?? '',
    /^canary-flags aborted at 5%: canary p99 \d+(\.\d+)? ms > 1000 ms \(canary 0\/\d+ failed/,
  )
  assert.match(run.stdout, /ABORTED: canary-flags aborted at 5%: canary p99 .* catalog-canary set back to 0%/)
  assert.deepEqual(
    r.events.filter((e) => e.type === 'weight-changed').map((e) => e.detail),
    ['catalog-canary 0% → 5%', 'catalog-canary 5% → 0% (abort)'],
  )
  assert.equal(r.phases.after.versions.v2 ?? 0, 0, 'no user on the canary after the abort')
})

test('ab: users split by variant, sticky; each variant its share and its latency', async (t) => {
  const { run, r } = await demo(t, 'ab', ['--hold-ms', '1500', '--b-latency-ms', '40'])
  const d = r.ab
  t.diagnostic(
    Object.entries(d?.variants ?? {})
      .map(([v, c]) => `${v} ${c.share} (users ${c.userShare}) p50 ${c.latencyMs.p50} p99 ${c.latencyMs.p99}`)
      .join('; '),
  )
  assert.equal(run.code, 0, `${run.stdout}\n${run.stderr}`)
  assertZeroLoss(r)
  assert.ok(d)
  near(d.variants.a?.share, 0.5, 'variant a share')
  near(d.variants.b?.share, 0.5, 'variant b share')
  near(d.variants.b?.userShare, 0.5, 'variant b share of users')
  assert.ok((d.variants.b?.latencyMs.p50 ?? 0) >= 40, 'b takes its 40 ms on top')
  assert.equal(d.switchedUsers, 0, 'a user keeps their variant')
  assert.equal(d.misrouted, 0, 'each variant answered by its own deployment')
  assert.deepEqual(Object.keys(r.versions).sort(), ['a', 'b'])
  // Before the weights were written (by answer time: the gateway decides when a request arrives), all a.
  assert.ok((d.beforeStart.a ?? 0) > 0)
  assert.equal(d.beforeStart.b ?? 0, 0, 'before the experiment everyone gets a')
  assert.match(run.stdout, /variants {2}a +\d+% of requests, +\d+% of users/)
})

test('shadow: a new version gets mirrored reads, compared; the clients only see the primary', async (t) => {
  const { run, r } = await demo(t, 'shadow', ['--hold-ms', '1500'])
  const d = r.shadow
  t.diagnostic(
    `${JSON.stringify(d?.results)} of ${d?.requestsWhileOn} while on, dropped ${JSON.stringify(d?.dropped)}`,
  )
  assert.equal(run.code, 0, `${run.stdout}\n${run.stderr}`)
  assertZeroLoss(r)
  assert.ok(d)
  // The personalized shadow answers differently from the popular primary for almost every user.
  assert.ok(d.results.mismatch > 0, JSON.stringify(d.results))
  const compared = d.results.match + d.results.mismatch + d.results.error
  assert.ok(
    compared > 0 && compared <= d.requestsWhileOn + 50,
    `${compared} compared, ${d.requestsWhileOn} sent`,
  )
  assert.equal(d.servedByShadow, 0)
  assert.deepEqual(Object.keys(r.versions), ['v1'], 'every answer from the primary')
  assert.ok(d.samples.length > 0, 'mismatch samples from the gateway log')
  assert.match(d.samples[0]?.shadow.body ?? '', /"items"/)
  assert.match(
    run.stdout,
    /shadow +\d+ mirrored and compared \(\d+ requests sent while the flag was on\): \d+ match, \d+ mismatch, \d+ error/,
  )
  assert.deepEqual(
    r.events.filter((e) => e.type === 'flag-changed').map((e) => e.detail),
    ['recommendations-shadow on', 'recommendations-shadow off'],
  )
})

test('feature-switch: catalog-discount flipped mid-run; its share over time, the flip drawn', async (t) => {
  const { run, r, html } = await demo(t, 'feature-switch', ['--hold-ms', '1500'], true)
  const d = r.featureSwitch
  t.diagnostic(
    `share ${d?.shareBefore} → ${d?.shareAfter}; first new after ${d?.firstNewAfterMs} ms, last old after ${d?.lastOldAfterMs} ms`,
  )
  assert.equal(run.code, 0, `${run.stdout}\n${run.stderr}`)
  assertZeroLoss(r)
  assert.ok(d)
  assert.equal(d.shareBefore, 0, 'off: exactly the original answers')
  assert.ok(d.shareAfter >= 0.98, `on for everyone once settled (${d.shareAfter})`)
  assert.ok(
    d.firstNewAfterMs !== undefined && d.firstNewAfterMs < 1000,
    'the pods pick it up within a second',
  )
  assert.equal(d.switchedUsers, 0)
  assert.ok(d.series.some((p) => p.share === 0) && d.series.some((p) => p.share === 1), 'the share over time')
  assert.deepEqual(Object.keys(r.versions), ['v1'], 'one deployment, no new version')
  assert.match(
    run.stdout,
    /share +of answers with the new behaviour \(discount\): 0% before, (98|99|100)% once settled/,
  )
  assert.match(html, /class="marker flag-changed"/)
  assert.match(html, />catalog-discount on for 100%</)
  assert.match(html, /<polyline class="marks" data-mark="discount"/)
})
