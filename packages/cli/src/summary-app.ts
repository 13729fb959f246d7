import type { CohortStats, RolloutReport, Scenario } from '@zdd/rollout'

const INDENT = '            '
const pct = (share: number) => `${Math.round(share * 100)}%`

/** The first line of the report for the strategies with a gateway in front; undefined for the others. */
export function appHeadline(r: RolloutReport): string | undefined {
  const p = r.parameters
  const scenario = p.scenario as Scenario | undefined
  const control = r.unprepared ? ' (UNPREPARED control)' : ''
  const load = `${p.rps} req/s`
  switch (scenario?.kind) {
    case 'gateway-rolling': {
      const what =
        scenario.roll === 'gateway'
          ? `the gateway ${p.fromVersion} → ${p.toVersion}, ${p.replicas} replicas, in front of ${scenario.fixedReplicas} catalog pods`
          : `the catalog ${p.fromVersion} → ${p.toVersion}, ${p.replicas} replicas, behind the gateway (${scenario.fixedReplicas} pods)`
      return `gateway-rolling rollout${control}: ${what}, ${load} through the gateway, propagation ${p.propagationDelayMs}±${p.propagationJitterMs} ms, shutdown delay ${p.shutdownDelayMs} ms`
    }
    case 'canary-flags':
      return `canary-flags${control} (app-level canary through the gateway): stable ${p.fromVersion} ×${p.replicas}, canary ${p.toVersion} ×1, catalog-canary ${scenario.percentages.join(' → ')} % of ${scenario.users} users, ${load}`
    case 'ab':
      return `ab${control} (A/B through the gateway): recommendations a (popular) and b (personalized), ${p.replicas} pods each, recommendations-ab a=${scenario.weights.a},b=${scenario.weights.b} for ${scenario.users} users, ${load}`
    case 'shadow':
      return `shadow${control}: recommendations ${p.fromVersion} answers, ${r.shadow?.shadowVersion ?? 'the new version'} (${scenario.shadowAlgorithm}) gets a mirrored copy while recommendations-shadow is on, ${p.replicas} pods each, ${load}`
    case 'feature-switch':
      return `feature-switch${control}: catalog ${p.fromVersion} ×${p.replicas} behind the gateway, catalog-discount off → on for ${scenario.rollout}% of ${scenario.users} users, ${load}`
    default:
      return undefined
  }
}

/** The strategy's own lines: gateway counters, steps and decisions, shares, comparisons, the switch. */
export function appLines(r: RolloutReport): string[] {
  const lines = [...canaryFlagsLines(r), ...abLines(r), ...shadowLines(r), ...featureLines(r)]
  const g = r.gateway
  if (g) {
    const errors = Object.entries(g.upstreamErrors)
      .map(([code, n]) => `${code} ${n}`)
      .join(', ')
    const answered = Object.entries(g.answered)
      .map(([status, n]) => `${status}: ${n}`)
      .join(', ')
    lines.push(
      `  gateway   ${g.retries} request(s) retried once on a refused/reset upstream connection, upstream errors ${errors || 'none'}; answered ${answered || 'nothing'} (its /metrics, ${g.pods} pod(s); the load never retries)`,
    )
  }
  const scenario = r.parameters.scenario as Scenario | undefined
  if (r.unprepared && scenario && scenario.kind !== 'gateway-rolling' && r.terminations.length === 0) {
    lines.push(
      `  note      no pod was stopped: the change is a flag read by running processes, so unprepared pods lose nothing here`,
    )
  }
  return lines
}

function track(name: string, c: CohortStats | undefined): string {
  if (!c) return `${name} -`
  return `${name} ${c.failed}/${c.requests} failed, p99 ${c.latencyMs.p99} ms`
}

function canaryFlagsLines(r: RolloutReport): string[] {
  const d = r.canaryFlags
  if (!d) return []
  const lines = d.steps.map((step, i) => {
    const canary = step.tracks.canary
    const share = canary
      ? `${pct(canary.share)} of requests, ${pct(canary.userShare)} of users`
      : 'no requests'
    const head = `${i === 0 ? '  steps     ' : INDENT}${`${step.percent}%`.padEnd(5)}`
    return `${head}canary ${share.padEnd(32)} ${track('canary', canary)} | ${track('stable', step.tracks.stable)} → ${step.decision}`
  })
  lines.push(
    `  decision  thresholds: canary error rate ≤ ${d.thresholds.maxErrorPercent}%, p99 ≤ ${d.thresholds.maxP99Ms} ms; ${d.completed ? `passed every step: the canary has ${d.percentages.at(-1)}% of the users` : `aborted at ${d.steps.at(-1)?.percent}%: ${d.steps.at(-1)?.reason}`}`,
    `  sticky    ${d.leftCanary} user(s) went back from the canary to the stable while the % rose${d.firstCanaryAfterMs === undefined ? '' : `; first canary answer ${d.firstCanaryAfterMs} ms after the first change`}`,
  )
  return lines
}

function abLines(r: RolloutReport): string[] {
  const d = r.ab
  if (!d) return []
  const variants = Object.entries(d.variants).map(
    ([name, c], i) =>
      `${i === 0 ? '  variants  ' : INDENT}${name.padEnd(4)} ${pct(c.share).padStart(4)} of requests, ${pct(c.userShare).padStart(4)} of users (${c.users}), p50 ${c.latencyMs.p50} ms, p99 ${c.latencyMs.p99} ms, ${c.failed}/${c.requests} failed`,
  )
  return [
    ...variants,
    `  sticky    ${d.switchedUsers} user(s) answered by both variants; ${d.misrouted} answer(s) from the other variant's pods`,
    `  before    answered before the weights changed: ${
      Object.entries(d.beforeStart)
        .map(([name, n]) => `${name} ${n}`)
        .join(', ') || 'none'
    }`,
  ]
}

function shadowLines(r: RolloutReport): string[] {
  const d = r.shadow
  if (!d) return []
  const { match, mismatch, error } = d.results
  const compared = match + mismatch + error
  const dropped = Object.entries(d.dropped)
    .map(([reason, n]) => `${reason} ${n}`)
    .join(', ')
  const cut = (text: string) => (text.length > 160 ? `${text.slice(0, 160)}…` : text)
  return [
    `  shadow    ${compared} mirrored and compared (${d.requestsWhileOn} requests sent while the flag was on): ${match} match, ${mismatch} mismatch, ${error} error${dropped ? `; not mirrored or not compared: ${dropped}` : ''}`,
    `${INDENT}clients got ${d.servedByShadow} answers from the shadow (${d.shadowVersion}): only the primary answers`,
    ...(d.samples.length
      ? [
          `  mismatch  ${Math.min(3, d.samples.length)} samples from the gateway's log (it logs at most one mismatch a second, and counts them all):`,
        ]
      : []),
    ...d.samples
      .slice(0, 3)
      .flatMap((sample) => [
        `${INDENT}${sample.path}: the ${sample.reason} differs`,
        `${INDENT}  primary ${sample.primary.status} ${cut(sample.primary.body)}`,
        `${INDENT}  shadow  ${sample.shadow.status} ${cut(sample.shadow.body)}`,
      ]),
  ]
}

function featureLines(r: RolloutReport): string[] {
  const d = r.featureSwitch
  if (!d || d.flippedAtMs === undefined) return []
  const flipped = d.flippedAtMs
  const timing = [
    d.firstNewAfterMs === undefined
      ? 'no answer had it'
      : `first answer with it ${d.firstNewAfterMs} ms later`,
    ...(d.lastOldAfterMs === undefined ? [] : [`the last without it ${d.lastOldAfterMs} ms later`]),
  ]
  const series = d.series
    .map((point) => `${point.tMs < flipped && point.tMs + 500 > flipped ? '| ' : ''}${pct(point.share)}`)
    .join(' ')
  return [
    `  switch    ${d.flag} on for ${d.rollout}% of users at ${(flipped / 1000).toFixed(1)} s: ${timing.join(', ')}`,
    `  share     of answers with the new behaviour (${d.mark}): ${pct(d.shareBefore)} before, ${pct(d.shareAfter)} once settled; ${d.switchedUsers} user(s) saw both after that`,
    `  over time ${series} (per 0.5 s; | the flip)`,
  ]
}
