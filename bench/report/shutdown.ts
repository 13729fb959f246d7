import { median } from '../lib/stats.ts'
import type { StoredShutdown } from '../shutdown/merge.ts'
import { LOSS_KINDS, type LossKind } from '../shutdown/run.ts'
import { machineLine, num, type TargetCheck, table } from './md.ts'
import { shutdownTargets } from './shutdown-targets.ts'
import { type CellTotals, seconds, totals } from './shutdown-totals.ts'
import { WHY } from './shutdown-why.ts'

export type Results = StoredShutdown

const KIND_LABEL: Record<LossKind, string> = {
  refused: 'refused',
  reset: 'reset',
  timeout: 'timeout',
  http_5xx: '5xx',
  other: 'other',
}

function kindsText(t: CellTotals): string {
  return LOSS_KINDS.filter((k) => t.kinds[k] > 0)
    .map((k) => `${KIND_LABEL[k]} ${num(t.kinds[k])}`)
    .join(', ')
}

function lostText(t: CellTotals, usualRollouts: number): string {
  if (t.errors.length === t.rollouts) return 'run failed'
  const kinds = kindsText(t)
  const errors = t.errors.length ? ` (+${t.errors.length} failed run)` : ''
  const lost = t.lost === 0 ? `**0**${errors}` : `${num(t.lost)} (${kinds})${errors}`
  const rollouts = t.rollouts === usualRollouts ? '' : `, ${t.rollouts} rollout${t.rollouts === 1 ? '' : 's'}`
  return t.exitMs.length
    ? `${lost} · exit ${seconds(Math.round(median(t.exitMs) / 100) * 100)}${rollouts}`
    : lost
}

/** The rollout count most cells have (cells merged from another run may have fewer). */
function usualRollouts(r: Results): number {
  const counts = new Map<number, number>()
  for (const c of r.cells) counts.set(c.rollouts.length, (counts.get(c.rollouts.length) ?? 0) + 1)
  return [...counts].sort((a, b) => b[1] - a[1])[0]?.[0] ?? r.params.rolloutsPerCell
}

/** Who measured what: one line per run when the cells come from several. */
function runsText(r: Results): string {
  const runs = r.runs ?? []
  if (runs.length < 2) return machineLine(r.machine, r.profileName, r.durationMs)
  return [
    `Cells from ${runs.length} runs (each cell's date is in the last table):`,
    '', // Markdown (and the formatter CI runs) wants a blank line before a list
    ...runs.map(
      (run) =>
        `- ${run.cells} cells, ${run.rolloutsPerCell} rollout${run.rolloutsPerCell === 1 ? '' : 's'} per cell${run.covers ? ` (${run.covers})` : ''}: ${machineLine(run.machine, run.profileName, run.durationMs)}`,
    ),
  ].join('\n')
}

function exitCodesText(t: CellTotals): string {
  return [...t.exitCodes]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([code, n]) => `${code} ×${n}`)
    .join(', ')
}

const capitalize = (text: string) => text.charAt(0).toUpperCase() + text.slice(1)

export function shutdownSection(r: Results): { markdown: string; checks: TargetCheck[]; headline: string } {
  const p = r.params
  const rates = [...new Set(r.cells.map((c) => c.rps))]
  const delays = [...new Set(r.cells.map((c) => c.propagationDelayMs))]
  const cell = (variant: string, rps: number, delay: number) =>
    r.cells.find((c) => c.variant === variant && c.rps === rps && c.propagationDelayMs === delay)
  const out: string[] = []
  out.push('## 1. Requests lost per rollout: the shutdown libraries under the rollout harness')
  out.push(runsText(r))
  const usual = usualRollouts(r)
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
      "The harness's Service is a userspace proxy, so a refusal reaches the client as a reset; it is counted as refused from the Service's own count of refused connections. " +
      '**no endpoint** counts connections the Service reset because it had no endpoint at all at that moment: a flaw of the model before 2026-12-06, which applied each endpoint change after its own random delay, so that with long propagation a removal could overtake an earlier addition; it now applies them in order, as kube-proxy does. Cells measured before that show it in this column (the 10 s cells were measured again after the fix).',
  )
  for (const rps of rates) {
    out.push(
      `### ${num(rps)} req/s: requests lost (sum over ${usual} rollout${usual > 1 ? 's' : ''} per cell unless marked) · SIGTERM → exit, median`,
    )
    out.push(
      table(
        [
          'library',
          'version',
          'delay knob',
          ...delays.map(
            (d) =>
              `propagation ${seconds(d)}${d <= p.shutdownDelayMs ? ' (≤ delay)' : d > p.terminationGracePeriodMs ? ' (> grace period)' : ' (> delay)'}`,
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
              return c ? lostText(totals(c), usual) : '–'
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
        'no endpoint',
        'measured',
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
          num(t.noEndpoint),
          (c.measuredAt ?? r.machine.at).slice(0, 10),
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

  const { checks, headline } = shutdownTargets(r)
  return { markdown: out.join('\n\n'), checks, headline }
}
