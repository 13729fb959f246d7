import { LOSS_KINDS, type LossKind, type ShutdownCell } from '../shutdown/run.ts'
import { num } from './md.ts'

export interface CellTotals {
  rollouts: number
  errors: string[]
  requests: number
  lost: number
  kinds: Record<LossKind, number>
  exitMs: number[]
  p99Ms: number[]
  exitCodes: Map<string, number>
  sigkills: number
  /** Connections the Service reset because it had no endpoint at all at that moment. */
  noEndpoint: number
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
    noEndpoint: 0,
  }
  for (const run of cell.rollouts) {
    if (run.error) t.errors.push(run.error)
    else t.p99Ms.push(run.p99Ms)
    t.requests += run.total
    t.noEndpoint += run.balancer?.noEndpoint ?? 0
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

export const seconds = (msValue: number) => `${num(msValue / 1000, msValue % 1000 === 0 ? 0 : 1)} s`
