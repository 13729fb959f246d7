import { writeFile } from 'node:fs/promises'
import type { RolloutReport } from '@zdd/rollout'
import { htmlReport } from '../html/page.ts'

/** `demo all` writes its runs under one object; a single demo writes its report as it is. */
export interface AllReport {
  strategy: 'all'
  unprepared: boolean
  runs: RolloutReport[]
}

export async function writeOutputs(
  flags: Record<string, string | boolean | undefined>,
  data: RolloutReport | AllReport,
): Promise<void> {
  if (typeof flags.json === 'string') {
    await writeFile(flags.json, `${JSON.stringify(data, null, 2)}\n`)
    process.stdout.write(`report written to ${flags.json}\n`)
  }
  if (typeof flags.html === 'string') {
    const runs = 'runs' in data ? data.runs : [data]
    await writeFile(flags.html, htmlReport(runs))
    process.stdout.write(`HTML report written to ${flags.html}\n`)
  }
}
