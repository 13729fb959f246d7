import type { Answer } from '../http.ts'
import type { CheckResult } from '../report.ts'

/** An answer that a user would count as lost: no answer at all, or a 5xx. */
export const failed = (answer: Answer): boolean => answer.error !== undefined || (answer.status ?? 0) >= 500

/** What went wrong, counted by kind: `ECONNREFUSED ×3, 503 ×2`. */
export function kinds(answers: Answer[]): string {
  const counts = new Map<string, number>()
  for (const answer of answers.filter(failed)) {
    const kind = answer.error ?? String(answer.status)
    counts.set(kind, (counts.get(kind) ?? 0) + 1)
  }
  return [...counts].map(([kind, count]) => `${kind} ×${count}`).join(', ')
}

export const notApplicable = (
  base: Omit<CheckResult, 'status' | 'figure' | 'reason'>,
  reason: string,
): CheckResult => ({
  ...base,
  status: 'n/a',
  figure: '—',
  reason,
})

export const NEVER_READY = 'the service never became ready in this run (see check 1)'
