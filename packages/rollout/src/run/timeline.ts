import type { FailureKind, RequestRecord } from './load.ts'
import { countOutcome } from './outcome.ts'

export interface TimelineBucket {
  /** Start of the bucket on the harness clock (by scheduled send time). */
  tMs: number
  sent: number
  ok: number
  failed: number
  /** Successful responses by the version that served them. */
  versions: Record<string, number>
  failures: Partial<Record<FailureKind, number>>
}

export interface Timeline {
  bucketMs: number
  /** End of the last bucket's data (the last send, plus one send interval): the last bucket may be short. */
  endMs: number
  buckets: TimelineBucket[]
}

/** At most about this many buckets, so a long run still makes a readable chart and a small report. */
const MAX_BUCKETS = 600

/** Requests per time bucket: throughput, failures by kind and version share over time, for charts. */
export function timeline(records: readonly RequestRecord[], bucketMs = 250): Timeline {
  const last = records.reduce((max, record) => Math.max(max, record.tMs), 0)
  const size = Math.max(bucketMs, Math.ceil(last / MAX_BUCKETS / 50) * 50)
  const first = records.reduce((min, record) => Math.min(min, record.tMs), Number.POSITIVE_INFINITY)
  if (!Number.isFinite(first)) return { bucketMs: size, endMs: 0, buckets: [] }
  // Buckets start with the first send, so the first one is full; the last one ends at endMs.
  const start = first
  const interval = records.length > 1 ? (last - first) / (records.length - 1) : 0
  const buckets: TimelineBucket[] = []
  for (let t = start; t <= last; t += size) {
    buckets.push({ tMs: t, sent: 0, ok: 0, failed: 0, versions: {}, failures: {} })
  }
  for (const record of records) {
    const bucket = buckets[Math.floor((record.tMs - start) / size)]
    if (!bucket) continue
    bucket.sent += 1
    if (countOutcome(bucket, record)) {
      const version = record.version ?? 'unknown'
      bucket.versions[version] = (bucket.versions[version] ?? 0) + 1
    }
  }
  return { bucketMs: size, endMs: Math.round((last + interval) * 100) / 100, buckets }
}
