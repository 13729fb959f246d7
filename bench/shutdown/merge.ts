import type { Machine } from '../lib/machine.ts'
import type { ShutdownCell, ShutdownResults } from './run.ts'

/** One bench run that measured some of the cells in a merged results file. */
export interface ShutdownRun {
  machine: Machine
  durationMs: number
  profileName?: string
  covers?: string
  rolloutsPerCell: number
  cells: number
}

export type StoredShutdown = ShutdownResults & { profileName?: string; covers?: string; runs?: ShutdownRun[] }

const key = (c: ShutdownCell) => `${c.variant}|${c.rps}|${c.propagationDelayMs}`

/**
 * `--merge`: the cells just measured replace the same cells (variant, rate, propagation) of the results
 * on file and the rest are kept, so one column or one library can be measured again without re-running
 * hours of unchanged cells. Every cell keeps the date of the run that measured it, and the file lists the
 * runs. Refused when SHUTDOWN_DELAY_MS differs: the cells would not compare.
 */
export function mergeShutdown(previous: StoredShutdown, next: StoredShutdown): StoredShutdown {
  if (previous.params.shutdownDelayMs !== next.params.shutdownDelayMs) {
    throw new Error(
      `--merge: SHUTDOWN_DELAY_MS of the results on file is ${previous.params.shutdownDelayMs} ms, this run used ${next.params.shutdownDelayMs} ms; ` +
        'run with --shutdown-delay-ms to match, or without --merge to replace the file',
    )
  }
  const stamp = (cells: ShutdownCell[], at: string) =>
    cells.map((c) => ({ ...c, measuredAt: c.measuredAt ?? at }))
  const fresh = new Map(stamp(next.cells, next.machine.at).map((c) => [key(c), c]))
  const cells = stamp(previous.cells, previous.machine.at).map((c) => fresh.get(key(c)) ?? c)
  const kept = new Set(cells.map(key))
  cells.push(...[...fresh.values()].filter((c) => !kept.has(key(c))))
  const variants = [...previous.variants]
  for (const v of next.variants) if (!variants.some((p) => p.name === v.name)) variants.push(v)
  const runOf = (r: StoredShutdown): ShutdownRun => ({
    machine: r.machine,
    durationMs: r.durationMs,
    profileName: r.profileName,
    covers: r.covers,
    rolloutsPerCell: r.params.rolloutsPerCell,
    cells: r.cells.length,
  })
  const earlier = (previous.runs ?? [runOf(previous)]).map((run) => ({
    ...run,
    cells: cells.filter((c) => c.measuredAt === run.machine.at).length,
  }))
  const sortedUnion = (a: number[], b: number[]) => [...new Set([...a, ...b])].sort((x, y) => x - y)
  return {
    ...next,
    variants,
    cells,
    params: {
      ...next.params,
      propagationDelaysMs: sortedUnion(previous.params.propagationDelaysMs, next.params.propagationDelaysMs),
    },
    runs: [...earlier.filter((run) => run.cells > 0), runOf(next)],
  }
}
