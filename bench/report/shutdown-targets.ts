import type { StoredShutdown } from '../shutdown/merge.ts'
import { num, type TargetCheck } from './md.ts'
import { seconds, totals } from './shutdown-totals.ts'

const LIFECYCLE = 'zdd-lifecycle'
const DEFAULTS = 'zdd-lifecycle-defaults'

/** `@zdd/lifecycle` (with SHUTDOWN_DELAY_MS, or with its defaults) loses nothing in `cells`: the check. */
function zeroCheck(
  target: string,
  cells: StoredShutdown['cells'],
  emptyNote: string,
): TargetCheck | undefined {
  if (cells.length === 0) return undefined
  const all = cells.map(totals)
  const lost = all.reduce((n, t) => n + t.lost, 0)
  const requests = all.reduce((n, t) => n + t.requests, 0)
  const errors = all.reduce((n, t) => n + t.errors.length, 0)
  const rates = [...new Set(cells.map((c) => c.rps))]
  const bothRates = rates.includes(1000) && rates.includes(5000)
  const zeroCells = all.filter((t) => t.lost === 0 && t.errors.length === 0).length
  return {
    target,
    measured: `${num(lost)} lost of ${num(requests)} requests; ${zeroCells}/${cells.length} cells at 0`,
    met: lost === 0 && errors === 0 && (bothRates ? true : undefined),
    note:
      (lost === 0 ? 'met in every measured cell' : `missed by ${num(lost)} requests`) +
      `; cells: ${cells.map((c) => `${num(c.rps)} req/s at ${seconds(c.propagationDelayMs)}`).join(', ')}` +
      (bothRates ? '' : `; only ${rates.map((x) => num(x)).join(', ')} req/s measured ${emptyNote}`),
  }
}

/** One of our cells against the other libraries' cells at the same rate and propagation. */
interface Versus {
  c: StoredShutdown['cells'][number]
  lost: number
  rollouts: number
  fewest: { name: string; lost: number; rollouts: number }
}

/**
 * For each of `ours`, the library that lost the fewest per rollout in the same rate and propagation, and
 * whether ours lost fewer per rollout. Per rollout: cells merged from several runs may hold different
 * numbers of rollouts (RESULTS.md names them). Cells with no other library to compare with are left out.
 */
function versusOthers(r: StoredShutdown, ours: StoredShutdown['cells']): { rows: Versus[]; won: number } {
  const rows: Versus[] = []
  for (const c of ours) {
    const fewest = r.cells
      .filter(
        (o) =>
          o.rps === c.rps &&
          o.propagationDelayMs === c.propagationDelayMs &&
          o.variant !== LIFECYCLE &&
          o.variant !== DEFAULTS,
      )
      .map((o) => ({ name: o.variant, lost: totals(o).lost, rollouts: o.rollouts.length }))
      .sort((x, y) => x.lost / x.rollouts - y.lost / y.rollouts)[0]
    if (fewest) rows.push({ c, lost: totals(c).lost, rollouts: c.rollouts.length, fewest })
  }
  const won = rows.filter((row) => row.lost / row.rollouts < row.fewest.lost / row.fewest.rollouts).length
  return { rows, won }
}

function versusNote(rows: Versus[], withVariant: boolean): string {
  return rows
    .map(
      (row) =>
        `${withVariant ? `${row.c.variant}, ` : ''}${num(row.c.rps)} req/s at ${seconds(row.c.propagationDelayMs)}: ${num(row.lost)} in ${row.rollouts} vs ${row.fewest.name} ${num(row.fewest.lost)} in ${row.fewest.rollouts}`,
    )
    .join('; ')
}

/** Where propagation outlasts SHUTDOWN_DELAY_MS: does @zdd/lifecycle lose fewer than every other library? */
function beyondDelayCheck(r: StoredShutdown): TargetCheck | undefined {
  const ours = r.cells.filter(
    (c) => c.variant === LIFECYCLE && c.propagationDelayMs > r.params.shutdownDelayMs,
  )
  if (ours.length === 0) return undefined
  const { rows, won } = versusOthers(r, ours)
  return {
    target:
      '`@zdd/lifecycle` where propagation > SHUTDOWN_DELAY_MS: fewer lost per rollout than every other library',
    measured: `${won}/${rows.length} cells`,
    met: rows.length === 0 ? undefined : won === rows.length,
    note: versusNote(rows, false),
  }
}

/**
 * Where propagation outlasts the grace period, every pod is killed while the Service still sends it
 * connections: nobody can lose nothing. Does @zdd/lifecycle (either way it is run) lose fewer than every
 * other library?
 */
function beyondGraceCheck(r: StoredShutdown): TargetCheck | undefined {
  const grace = r.params.terminationGracePeriodMs
  const ours = r.cells.filter(
    (c) => c.propagationDelayMs > grace && (c.variant === LIFECYCLE || c.variant === DEFAULTS),
  )
  if (ours.length === 0) return undefined
  const { rows, won } = versusOthers(r, ours)
  return {
    target: `\`@zdd/lifecycle\` where propagation > the grace period (${seconds(grace)}): fewer lost per rollout than every other library`,
    measured: `${won}/${rows.length} cells`,
    met: rows.length === 0 ? undefined : won === rows.length,
    note: versusNote(rows, true),
  }
}

export function shutdownTargets(r: StoredShutdown): { checks: TargetCheck[]; headline: string } {
  const p = r.params
  const checks: TargetCheck[] = []
  const covered = r.cells.filter((c) => c.variant === LIFECYCLE && c.propagationDelayMs <= p.shutdownDelayMs)
  const withDelay = zeroCheck(
    '`@zdd/lifecycle`: 0 lost in every cell with propagation ≤ SHUTDOWN_DELAY_MS, at both rates',
    covered,
    'in this profile',
  )
  if (withDelay) checks.push(withDelay)
  const defaultsCells = r.cells.filter((c) => c.variant === DEFAULTS && c.propagationDelayMs <= 10_000)
  const defaults = zeroCheck(
    '`@zdd/lifecycle` with its defaults (no SHUTDOWN_* set): 0 lost in every cell through 10 s propagation, at both rates',
    defaultsCells,
    'in this profile',
  )
  if (defaults) checks.push(defaults)
  const beyond = beyondDelayCheck(r)
  if (beyond) checks.push(beyond)
  const beyondGrace = beyondGraceCheck(r)
  if (beyondGrace) checks.push(beyondGrace)
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
  return { checks, headline: headline(r, covered, defaultsCells) }
}

function headline(r: StoredShutdown, covered: StoredShutdown['cells'], defaults: StoredShutdown['cells']) {
  const p = r.params
  const sum = (cells: StoredShutdown['cells']) => {
    const all = cells.map(totals)
    return { lost: all.reduce((n, t) => n + t.lost, 0), requests: all.reduce((n, t) => n + t.requests, 0) }
  }
  const rates = (cells: StoredShutdown['cells']) => [...new Set(cells.map((c) => num(c.rps)))].join(' and ')
  const headlineRate = r.cells[0]?.rps ?? 1000
  const others = r.variants
    .filter((v) => v.name !== LIFECYCLE && v.name !== DEFAULTS)
    .map((v) => {
      const cells = r.cells.filter(
        (c) => c.variant === v.name && c.rps === headlineRate && c.propagationDelayMs <= p.shutdownDelayMs,
      )
      return `${v.name} ${num(sum(cells).lost)}`
    })
    .join(', ')
  const ours = sum(covered)
  const lines = [
    `Rolling update of 3 replicas, propagation ≤ SHUTDOWN_DELAY_MS (${num(p.shutdownDelayMs)} ms): ` +
      `\`@zdd/lifecycle\` lost ${num(ours.lost)} of ${num(ours.requests)} requests in ${covered.length} cells (${rates(covered)} req/s); ` +
      `in the same cells at ${num(headlineRate)} req/s: ${others}.`,
  ]
  if (defaults.length) {
    const d = sum(defaults)
    const longest = Math.max(...defaults.map((c) => c.propagationDelayMs))
    lines.push(
      `With its defaults (no SHUTDOWN_* set, the adaptive drain), \`@zdd/lifecycle\` lost ${num(d.lost)} of ${num(d.requests)} requests in ${defaults.length} cells up to ${seconds(longest)} propagation (${rates(defaults)} req/s).`,
    )
  }
  return lines.join('\n- ')
}
