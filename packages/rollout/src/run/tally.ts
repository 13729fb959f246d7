import type { RolloutEvent } from '../model/events.ts'
import type { FailureKind, RequestRecord } from './load.ts'
import { countOutcome } from './outcome.ts'

// What a report computes from the request records and the events: counts, versions, latency, phases.

export interface Tally {
  total: number
  ok: number
  failed: number
  failures: Partial<Record<FailureKind, number>>
  versions: Record<string, number>
}

/** Requests by the version that served them, or for a failure, of the pod the connection was routed to. */
export type PerVersion = Record<string, { ok: number; failed: number }>

export interface LatencySummary {
  p50: number
  p99: number
  max: number
}

export interface Phases {
  before: Tally
  during: Tally
  after: Tally
}

export interface Downtime {
  windows: Array<{ fromMs: number; toMs: number }>
  totalMs: number
}

export function tally(records: Iterable<RequestRecord>): Tally {
  const result: Tally = { total: 0, ok: 0, failed: 0, failures: {}, versions: {} }
  for (const record of records) {
    result.total += 1
    countOutcome(result, record)
    if (record.version) result.versions[record.version] = (result.versions[record.version] ?? 0) + 1
  }
  return result
}

/**
 * Successes count for the version that answered; a failure for the version that answered it (HTTP errors),
 * else for the version of the pod its connection was routed to, `no endpoint` when the Service had none,
 * else `unattributed` (a connection the harness could not trace).
 */
export function perVersion(
  records: Iterable<RequestRecord>,
  versionOfPod: (pod: string) => string | undefined,
): PerVersion {
  const result: PerVersion = {}
  for (const record of records) {
    const routed = record.routedTo === '' ? 'no endpoint' : record.routedTo && versionOfPod(record.routedTo)
    const version = record.version ?? routed ?? 'unattributed'
    const entry = result[version] ?? { ok: 0, failed: 0 }
    if (record.failure) entry.failed += 1
    else entry.ok += 1
    result[version] = entry
  }
  return result
}

/** Nearest-rank percentile of an unsorted list; 0 for an empty one. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return 0
  const sorted = [...values].sort((a, b) => a - b)
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))
  return sorted[rank] ?? 0
}

export function latencySummary(records: readonly RequestRecord[]): LatencySummary {
  const latencies = records.map((record) => record.latencyMs)
  const round = (n: number) => Math.round(n * 100) / 100
  return {
    p50: round(percentile(latencies, 50)),
    p99: round(percentile(latencies, 99)),
    max: round(latencies.reduce((max, n) => Math.max(max, n), 0)),
  }
}

export function splitPhases(records: readonly RequestRecord[], startMs: number, endMs: number): Phases {
  return {
    before: tally(records.filter((r) => r.tMs < startMs)),
    during: tally(records.filter((r) => r.tMs >= startMs && r.tMs <= endMs)),
    after: tally(records.filter((r) => r.tMs > endMs)),
  }
}

/** Replays endpoint events: the intervals during which the Service had no endpoint to send a connection to. */
export function noEndpointWindows(events: readonly RolloutEvent[], endMs: number): Downtime {
  const loadStart = events.find((e) => e.type === 'load-started')?.tMs
  const windows: Array<{ fromMs: number; toMs: number }> = []
  if (loadStart === undefined) return { windows, totalMs: 0 }
  let count = 0
  let emptySince: number | undefined
  for (const e of events) {
    // The main Service's endpoints only: further Services (a canary's, a gateway's backends) name theirs.
    if ((e.type !== 'endpoint-added' && e.type !== 'endpoint-removed') || e.service !== undefined) continue
    count += e.type === 'endpoint-added' ? 1 : -1
    if (count === 0 && e.tMs >= loadStart) emptySince = e.tMs
    if (count > 0 && emptySince !== undefined) {
      windows.push({ fromMs: emptySince, toMs: e.tMs })
      emptySince = undefined
    }
  }
  if (emptySince !== undefined) windows.push({ fromMs: emptySince, toMs: endMs })
  return { windows, totalMs: windows.reduce((sum, w) => sum + (w.toMs - w.fromMs), 0) }
}
