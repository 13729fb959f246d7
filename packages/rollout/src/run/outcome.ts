import type { FailureKind, RequestRecord } from './load.ts'

/** Counts that tell successes from failures, and failures by kind. */
export interface Outcomes {
  ok: number
  failed: number
  failures: Partial<Record<FailureKind, number>>
}

/** Adds one request to `counts`: ok, or failed under its kind. Returns whether it succeeded. */
export function countOutcome(counts: Outcomes, record: RequestRecord): boolean {
  if (!record.failure) {
    counts.ok += 1
    return true
  }
  counts.failed += 1
  counts.failures[record.failure] = (counts.failures[record.failure] ?? 0) + 1
  return false
}
