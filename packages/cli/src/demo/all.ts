import type { RolloutReport } from '@zdd/rollout'
import { parseFlags, usage } from '../args.ts'
import { summary } from '../summary.ts'
import { allFlags, allScenarioNames } from './flags.ts'
import { optionsFrom } from './options.ts'
import { writeOutputs } from './outputs.ts'
import { watchRun } from './watch.ts'

/**
 * `zdd demo all`: every strategy in turn with the same load (the Kubernetes-level ones, then those with a
 * gateway in front), then one comparison table.
 */
export async function demoAll(args: string[]): Promise<number> {
  const flags = parseFlags(args, allFlags())
  if (flags.help) {
    process.stdout.write(`${usage('demo all', allFlags())}\n`)
    return 0
  }
  // A strategy's own flags (e.g. --step-pause-ms) apply to that strategy's run. Every run's options are
  // made first: a bad flag stops the whole thing before the first run starts.
  const planned = allScenarioNames().map((strategy) => ({ strategy, options: optionsFrom(strategy, flags) }))
  const runs: RolloutReport[] = []
  for (const { strategy, options } of planned) {
    process.stdout.write(`\n━━ ${strategy}${flags.unprepared ? ' (unprepared)' : ''} ━━\n`)
    const report = await watchRun(options)
    process.stdout.write(`${summary(report)}\n`)
    runs.push(report)
  }
  process.stdout.write(`\n${comparison(runs)}\n`)
  await writeOutputs(flags, { strategy: 'all', unprepared: flags.unprepared === true, runs })
  // Recreate's downtime is what it is for: only the other strategies must lose nothing.
  const lost = runs.some((r) => r.failed > 0 && r.strategy !== 'recreate')
  return lost ? 3 : 0
}

/** strategy, requests, failed, p99, duration of the change, versions at the end. */
export function comparison(runs: readonly RolloutReport[]): string {
  const header = ['strategy', 'requests', 'failed', 'p99 ms', 'change', 'run', 'versions at the end']
  const rows = runs.map((r) => [
    `${r.strategy}${r.aborted ? ' (aborted)' : ''}`,
    String(r.total),
    r.failed === 0 ? '0' : `${r.failed} (${((100 * r.failed) / Math.max(1, r.total)).toFixed(1)}%)`,
    String(r.latencyMs.p99),
    `${(r.rolloutMs / 1000).toFixed(1)} s`,
    `${(r.durationMs / 1000).toFixed(1)} s`,
    finalVersions(r),
  ])
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] ?? '').length)))
  // Names left-aligned, figures right-aligned, the last column as it is (no trailing blanks).
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => {
        if (i === cells.length - 1) return cell
        return i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0)
      })
      .join('  ')
  return [line(header), widths.map((w) => '─'.repeat(w)).join('  '), ...rows.map(line)].join('\n')
}

function finalVersions(r: RolloutReport): string {
  const counts: Record<string, number> = {}
  for (const pod of r.finalPods) counts[pod.version] = (counts[pod.version] ?? 0) + 1
  return Object.entries(counts)
    .map(([v, n]) => `${v}×${n}`)
    .join(' ')
}
