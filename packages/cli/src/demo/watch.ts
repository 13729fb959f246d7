import { type RolloutReport, runRollout } from '@zdd/rollout'
import { progressiveExit } from '../summary-progressive.ts'
import { LiveView } from '../view.ts'
import type { DemoOptions } from './options.ts'

/** Runs one demo with the live view on stdout (redrawn in place on a terminal, plain lines otherwise). */
export async function watchRun(options: DemoOptions): Promise<RolloutReport> {
  const out = process.stdout
  const view = new LiveView(out, out.isTTY === true)
  try {
    return await runRollout(options, {
      progressIntervalMs: view.intervalMs,
      onProgress: (snapshot) => view.progress(snapshot),
      onEvent: (event) => view.event(event),
    })
  } finally {
    view.finish()
  }
}

/**
 * 0 nothing lost, 3 requests were lost, 4 the rollout was aborted without losing any; a progressive
 * rollout: 5 when it paused, and its canary's own errors are not losses.
 */
export function exitCode(report: RolloutReport): number {
  const progressive = progressiveExit(report)
  if (progressive !== undefined) return progressive
  if (report.failed > 0) return 3
  return report.aborted ? 4 : 0
}
