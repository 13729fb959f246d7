import type { VerifyOptions } from './options.ts'

export type Status = 'pass' | 'fail' | 'n/a'

/** One check's verdict: the measured figure, a one-line reason, and on failure what to change. */
export interface CheckResult {
  n: number
  id: string
  title: string
  status: Status
  figure: string
  reason: string
  fix?: string
}

export interface VerifyReport {
  command: string[]
  options: VerifyOptions
  passed: boolean
  checks: CheckResult[]
  durationMs: number
  /** The last lines the command printed in the main run, for a failure's context. */
  output: string
  /** Where the sequence these checks follow is explained. */
  docs: string
}

export const DOCS = 'docs/zero-downtime.md (the zdd repository)'

const MARK: Record<Status, string> = { pass: 'PASS', fail: 'FAIL', 'n/a': 'n/a ' }

/** The report as a terminal reads it: one block per check, then the verdict. */
export function renderText(report: VerifyReport): string {
  const lines = [`zdd verify: ${report.command.join(' ')}`, '']
  for (const check of report.checks) {
    lines.push(`${MARK[check.status]}  ${check.n}. ${check.title}`)
    lines.push(`      ${check.figure}`)
    if (check.status !== 'pass') lines.push(`      why: ${check.reason}`)
    if (check.fix !== undefined) lines.push(`      fix: ${check.fix}`)
  }
  const failed = report.checks.filter((check) => check.status === 'fail')
  if (failed.length > 0 && report.output.trim() !== '') {
    lines.push('', "The service's output in run 1 (last lines):")
    lines.push(
      ...report.output
        .trimEnd()
        .split('\n')
        .slice(-15)
        .map((line) => `  | ${line}`),
    )
  }
  lines.push('')
  lines.push(
    failed.length === 0
      ? `Safe to roll: every check passed (${(report.durationMs / 1000).toFixed(1)} s).`
      : `Not safe to roll: ${failed.length} check${failed.length === 1 ? '' : 's'} failed (${failed.map((c) => c.n).join(', ')}). The sequence these checks follow: ${report.docs}`,
  )
  return lines.join('\n')
}
