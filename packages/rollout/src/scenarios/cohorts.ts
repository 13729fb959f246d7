import type { RequestRecord } from '../run/load.ts'
import { percentile } from '../run/tally.ts'

/** Requests of one cohort (a track, a variant) in a window, and how they fared. */
export interface CohortStats {
  requests: number
  failed: number
  errorPercent: number
  /** Share of the window's requests, and of its distinct users, that this cohort had. */
  share: number
  userShare: number
  users: number
  latencyMs: { p50: number; p99: number }
}

const round = (n: number, digits: number) => Math.round(n * 10 ** digits) / 10 ** digits

/**
 * Splits records by `keyOf` (e.g. the gateway's track or variant; a transport failure has none and lands
 * in `unattributed`) and sums each part.
 */
export function cohorts(
  records: readonly RequestRecord[],
  keyOf: (record: RequestRecord) => string | undefined,
): Record<string, CohortStats> {
  const groups = new Map<string, RequestRecord[]>()
  for (const record of records) {
    const key = keyOf(record) ?? 'unattributed'
    const group = groups.get(key) ?? []
    group.push(record)
    groups.set(key, group)
  }
  const allUsers = new Set(records.map((record) => record.user)).size
  const result: Record<string, CohortStats> = {}
  for (const [key, group] of [...groups].sort(([a], [b]) => a.localeCompare(b))) {
    const failed = group.filter((record) => record.failure).length
    const latencies = group.map((record) => record.latencyMs)
    const users = new Set(group.map((record) => record.user)).size
    result[key] = {
      requests: group.length,
      failed,
      errorPercent: round((100 * failed) / Math.max(1, group.length), 2),
      share: round(group.length / Math.max(1, records.length), 3),
      userShare: round(users / Math.max(1, allUsers), 3),
      users,
      latencyMs: { p50: round(percentile(latencies, 50), 2), p99: round(percentile(latencies, 99), 2) },
    }
  }
  return result
}

/** Records scheduled in [fromMs, toMs]. */
export function within(records: readonly RequestRecord[], fromMs: number, toMs: number): RequestRecord[] {
  return records.filter((record) => record.tMs >= fromMs && record.tMs <= toMs)
}

/**
 * Users who got more than one answer of `keyOf` (e.g. both tracks) among these records: a sticky split
 * has none. Failed requests (no answer to judge) are left out.
 */
export function switchedUsers(
  records: readonly RequestRecord[],
  keyOf: (record: RequestRecord) => string | undefined,
): string[] {
  const seen = new Map<string, string>()
  const switched = new Set<string>()
  for (const record of records) {
    const key = keyOf(record)
    if (!record.user || record.failure || key === undefined) continue
    const before = seen.get(record.user)
    if (before === undefined) seen.set(record.user, key)
    else if (before !== key) switched.add(record.user)
  }
  return [...switched].sort()
}
