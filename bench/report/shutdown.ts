import { median } from '../lib/stats.ts'
import { LOSS_KINDS, type LossKind, type ShutdownCell, type ShutdownResults } from '../shutdown/run.ts'
import { machineLine, num, type TargetCheck, table } from './md.ts'
import { WHY } from './shutdown-why.ts'

type Results = ShutdownResults & { profileName?: string; covers?: string }

const KIND_LABEL: Record<LossKind, string> = {
  refused: 'refused',
  reset: 'reset',
  timeout: 'timeout',
  http_5xx: '5xx',
  other: 'other',
}

interface CellTotals {
  rollouts: number
  errors: string[]
  requests: number
  lost: number
  kinds: Record<LossKind, number>
  exitMs: number[]
  p99Ms: number[]
  exitCodes: Map<string, number>
  sigkills: number
}

export function totals(cell: ShutdownCell): CellTotals {
  const t: CellTotals = {
    rollouts: cell.rollouts.length,
    errors: [],
    requests: 0,
    lost: 0,
    kinds: { refused: 0, reset: 0, timeout: 0, http_5xx: 0, other: 0 },
    exitMs: [],
    p99Ms: [],
    exitCodes: new Map(),
    sigkills: 0,
  }
  for (const run of cell.rollouts) {
    if (run.error) t.errors.push(run.error)
    else t.p99Ms.push(run.p99Ms)
    t.requests += run.total
    for (const kind of LOSS_KINDS) {
      t.kinds[kind] += run.lost[kind]
      t.lost += run.lost[kind]
    }
    for (const term of run.terminations) {
      t.exitMs.push(term.durationMs)
      const code = term.exitCode === null ? `${term.signal}` : String(term.exitCode)
      t.exitCodes.set(code, (t.exitCodes.get(code) ?? 0) + 1)
      if (term.sigkill) t.sigkills += 1
    }
  }
  return t
}

function kindsText(t: CellTotals): string {
  return LOSS_KINDS.filter((k) => t.kinds[k] > 0)
    .map((k) => `${KIND_LABEL[k]} ${num(t.kinds[k])}`)
    .join(', ')
}

function lostText(t: CellTotals): string {
  if (t.errors.length === t.rollouts) return 'run failed'
  const kinds = kindsText(t)
  const errors = t.errors.length ? ` (+${t.errors.length} failed run)` : ''
  return t.lost === 0 ? `**0**${errors}` : `${num(t.lost)} (${kinds})${errors}`
}

function exitCodesText(t: CellTotals): string {
  return [...t.exitCodes]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([code, n]) => `${code} ×${n}`)
    .join(', ')
}

const capitalize = (text: string) => text.charAt(0).toUpperCase() + text.slice(1)

const seconds = (msValue: number) => `${num(msValue / 1000, msValue % 1000 === 0 ? 0 : 1)} s`

export function shutdownSection(r: Results): { markdown: string; checks: TargetCheck[]; headline: string } {
  const p = r.params
  const rates = [...new Set(r.cells.map((c) => c.rps))]
  const delays = [...new Set(r.cells.map((c) => c.propagationDelayMs))]
  const cell = (variant: string, rps: number, delay: number) =>
    r.cells.find((c) => c.variant === variant && c.rps === rps && c.propagationDelayMs === delay)
  const out: string[] = []
  out.push('## 1. Requests lost per rollout: the shutdown libraries under the rollout harness')
  out.push(machineLine(r.machine, r.profileName, r.durationMs))
  out.push(
    `The same minimal Fastify service (\`GET /products\` with \`x-served-by\`, \`PORT\` + \`MANAGEMENT_PORT\`; bench/shutdown/variants/) wired ${r.variants.length} ways, ` +
      `each as its README recommends for Kubernetes, run by \`@zdd/rollout\`: ${p.replicas} replicas as child processes behind a connection-level Service ` +
      `(like kube-proxy: established connections stay on their pod), RollingUpdate maxSurge 25 % / maxUnavailable 25 % (1 / 0 of 3), ` +
      `readiness and liveness probed every 100 ms where the library serves them, endpoint removal propagated after the delay in the column ` +
      `(± ${num(p.jitterShare * 100)} % jitter) while SIGTERM goes out at deletion (no preStop), terminationGracePeriod ${seconds(p.terminationGracePeriodMs)}. ` +
      `Load: open loop, keep-alive, undici, no retries, request timeout ${seconds(p.requestTimeoutMs)}, at ${rates.map((x) => `${num(x)} req/s`).join(' and ')} ` +
      `(${[
        ...new Map([...p.rates, ...(p.extraCells ?? []).map((g) => g.rate)].map((x) => [x.rps, x])).values(),
      ]
        .map((x) => `${x.connections} connections at ${num(x.rps)}`)
        .join(
          ', ',
        )}); ${num(p.warmupMs / 1000, 1)} s before and ${num(p.tailMs / 1000, 1)} s after each rollout. ` +
      `**SHUTDOWN_DELAY_MS = ${num(p.shutdownDelayMs)} ms** for every pod; the libraries with a delay knob (lightship \`shutdownDelay\`, terminus \`beforeShutdown\`) get the same budget, the others have none. ` +
      `${p.rolloutsPerCell} rollout${p.rolloutsPerCell > 1 ? 's' : ''} per cell (each replaces all ${p.replicas} pods). Profile: ${r.profileName} (${r.covers}).`,
  )
  out.push(
    'Lost requests are counted by kind: **refused** (the pod refused the connection the Service sent it: its listener was closed), ' +
      '**reset** (a connection reset or closed under a request), **timeout** (no answer in time), **5xx** (an answer, but an error). ' +
      "**p99 latency** (median over the rollouts) counts from each request's scheduled send time: seconds mean the machine could not keep up with the rate and requests queued in the client. " +
      "The harness's Service is a userspace proxy, so a refusal reaches the client as a reset; it is counted as refused from the Service's own count of refused connections.",
  )
  for (const rps of rates) {
    out.push(
      `### ${num(rps)} req/s: requests lost (sum over ${p.rolloutsPerCell} rollout${p.rolloutsPerCell > 1 ? 's' : ''} per cell)`,
    )
    out.push(
      table(
        [
          'library',
          'version',
          'delay knob',
          ...delays.map(
            (d) => `propagation ${seconds(d)}${d <= p.shutdownDelayMs ? ' (≤ delay)' : ' (> delay)'}`,
          ),
        ],
        r.variants
          .filter((v) => delays.some((d) => cell(v.name, rps, d)))
          .map((v) => [
            `\`${v.name}\``,
            v.version,
            v.delayKnob ? 'yes' : 'no',
            ...delays.map((d) => {
              const c = cell(v.name, rps, d)
              return c ? lostText(totals(c)) : '–'
            }),
          ]),
      ),
    )
  }
  out.push('### Every cell')
  out.push(
    table(
      [
        'library',
        'req/s',
        'propagation',
        'rollouts',
        'requests',
        'lost',
        'refused',
        'reset',
        'timeout',
        '5xx',
        'other',
        'SIGTERM → exit, median (max)',
        'exit codes',
        'SIGKILL',
        'p99 latency',
      ],
      r.cells.map((c) => {
        const t = totals(c)
        return [
          `\`${c.variant}\``,
          num(c.rps),
          seconds(c.propagationDelayMs),
          `${t.rollouts}${t.errors.length ? ` (${t.errors.length} failed: ${t.errors[0]})` : ''}`,
          num(t.requests),
          num(t.lost),
          ...LOSS_KINDS.map((k) => num(t.kinds[k])),
          t.exitMs.length ? `${num(median(t.exitMs))} ms (${num(Math.max(...t.exitMs))})` : '–',
          exitCodesText(t),
          num(t.sigkills),
          t.p99Ms.length ? `${num(median(t.p99Ms))} ms` : '–',
        ]
      }),
    ),
  )
  out.push('### Why each one lost what it lost')
  for (const v of r.variants) {
    const cells = r.cells.filter((c) => c.variant === v.name).map(totals)
    const sum = (kind: LossKind) => cells.reduce((n, t) => n + t.kinds[kind], 0)
    const lost = cells.reduce((n, t) => n + t.lost, 0)
    const requests = cells.reduce((n, t) => n + t.requests, 0)
    const why = WHY[v.name]
    const measured = LOSS_KINDS.filter((k) => sum(k) > 0)
    const parts = [
      `**${v.name}** (${v.wiring}): lost ${num(lost)} of ${num(requests)} requests across its cells${measured.length ? ` (${measured.map((k) => `${KIND_LABEL[k]} ${num(sum(k))}`).join(', ')})` : ''}.`,
    ]
    if (why) {
      parts.push(why.summary)
      if (measured.length === 0) parts.push(`It ${why.none}`)
      for (const k of measured) parts.push(capitalize(why.kinds[k] ?? `${KIND_LABEL[k]}: ${num(sum(k))}.`))
    }
    const exits = new Map<string, number>()
    let sigkills = 0
    for (const t of cells) {
      for (const [code, n] of t.exitCodes) exits.set(code, (exits.get(code) ?? 0) + n)
      sigkills += t.sigkills
    }
    const nonZero = [...exits].filter(([code]) => code !== '0')
    if (nonZero.length) {
      parts.push(
        `Exits other than 0: ${nonZero.map(([code, n]) => `${code} ×${n}`).join(', ')}${sigkills ? `, ${sigkills} after SIGKILL` : ''}.`,
      )
    }
    out.push(parts.join(' '))
  }

  // Targets: @zdd/lifecycle loses nothing where propagation ≤ SHUTDOWN_DELAY_MS, at both rates; naive always loses.
  const covered = r.cells.filter(
    (c) => c.variant === 'zdd-lifecycle' && c.propagationDelayMs <= p.shutdownDelayMs,
  )
  const coveredLost = covered.map(totals)
  const lifecycleLost = coveredLost.reduce((n, t) => n + t.lost, 0)
  const lifecycleRequests = coveredLost.reduce((n, t) => n + t.requests, 0)
  const lifecycleErrors = coveredLost.reduce((n, t) => n + t.errors.length, 0)
  const coveredRates = [...new Set(covered.map((c) => c.rps))]
  const bothRates = coveredRates.includes(1000) && coveredRates.includes(5000)
  const checks: TargetCheck[] = []
  if (covered.length) {
    const zeroCells = coveredLost.filter((t) => t.lost === 0 && t.errors.length === 0).length
    checks.push({
      target: '`@zdd/lifecycle`: 0 lost in every cell with propagation ≤ SHUTDOWN_DELAY_MS, at both rates',
      measured: `${num(lifecycleLost)} lost of ${num(lifecycleRequests)} requests; ${zeroCells}/${covered.length} cells at 0`,
      met: lifecycleLost === 0 && lifecycleErrors === 0 && (bothRates ? true : undefined),
      note:
        (lifecycleLost === 0 ? 'met in every measured cell' : `missed by ${num(lifecycleLost)} requests`) +
        `; cells: ${covered.map((c) => `${num(c.rps)} req/s at ${seconds(c.propagationDelayMs)}`).join(', ')}` +
        (bothRates
          ? ''
          : `; only ${coveredRates.map((x) => num(x)).join(', ')} req/s measured in this profile`),
    })
  }
  const naiveCells = r.cells.filter((c) => c.variant === 'naive').map(totals)
  if (naiveCells.length) {
    const losing = naiveCells.filter((t) => t.lost > 0).length
    checks.push({
      target: 'naive (control) loses requests in every cell',
      measured: `${losing}/${naiveCells.length} cells with losses`,
      met: losing === naiveCells.length,
      note:
        losing === naiveCells.length
          ? 'the harness sees the losses it exists to count'
          : 'some control cells lost nothing: the run was too gentle there',
    })
  }
  const headlineRate = rates[0] ?? 1000
  const headlineCells = (variant: string) =>
    r.cells
      .filter(
        (c) => c.variant === variant && c.rps === headlineRate && c.propagationDelayMs <= p.shutdownDelayMs,
      )
      .map(totals)
  const lostOf = (variant: string) => headlineCells(variant).reduce((n, t) => n + t.lost, 0)
  const others = r.variants
    .filter((v) => v.name !== 'zdd-lifecycle')
    .map((v) => `${v.name} ${num(lostOf(v.name))}`)
    .join(', ')
  const headline =
    `Rolling update of 3 replicas, propagation ≤ SHUTDOWN_DELAY_MS (${num(p.shutdownDelayMs)} ms), ${p.rolloutsPerCell} rollout${p.rolloutsPerCell > 1 ? 's' : ''} per cell: ` +
    `\`@zdd/lifecycle\` lost ${num(lifecycleLost)} of ${num(lifecycleRequests)} requests in ${covered.length} cells (${coveredRates.map((x) => num(x)).join(' and ')} req/s); ` +
    `in the same cells at ${num(headlineRate)} req/s: ${others}.`
  return { markdown: out.join('\n\n'), checks, headline }
}
