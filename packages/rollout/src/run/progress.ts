import type { Clock } from '../model/clock.ts'
import type { FailureKind, RequestRecord } from './load.ts'

export interface ProgressSnapshot {
  elapsedMs: number
  phase: string
  total: number
  ok: number
  failed: number
  failures: Partial<Record<FailureKind, number>>
  /** Requests completed in the last second, and their split by version. */
  recentRps: number
  recentVersions: Record<string, number>
  /** Successful responses of the last second by their mark (a feature switch's new behaviour), if any. */
  recentMarks?: Record<string, number>
}

const WINDOW_MS = 1000

/** Running totals for the live view, cheap enough to update on every request. */
export class Progress {
  phase = 'starting'
  #total = 0
  #ok = 0
  #failures: Partial<Record<FailureKind, number>> = {}
  #recent: Array<{ at: number; version: string | undefined; mark: string | undefined }> = []

  readonly #clock: Clock

  constructor(clock: Clock) {
    this.#clock = clock
  }

  add(record: RequestRecord): void {
    this.#total += 1
    if (record.failure) this.#failures[record.failure] = (this.#failures[record.failure] ?? 0) + 1
    else this.#ok += 1
    this.#recent.push({ at: this.#clock(), version: record.version, mark: record.mark })
  }

  snapshot(): ProgressSnapshot {
    const now = this.#clock()
    const firstRecent = this.#recent.findIndex((entry) => entry.at >= now - WINDOW_MS)
    this.#recent = firstRecent === -1 ? [] : this.#recent.slice(firstRecent)
    const recentVersions: Record<string, number> = {}
    const recentMarks: Record<string, number> = {}
    for (const { version, mark } of this.#recent) {
      const key = version ?? 'failed'
      recentVersions[key] = (recentVersions[key] ?? 0) + 1
      if (mark) recentMarks[mark] = (recentMarks[mark] ?? 0) + 1
    }
    return {
      elapsedMs: Math.round(now),
      phase: this.phase,
      total: this.#total,
      ok: this.#ok,
      failed: this.#total - this.#ok,
      failures: { ...this.#failures },
      recentRps: this.#recent.length,
      recentVersions,
      ...(Object.keys(recentMarks).length ? { recentMarks } : {}),
    }
  }
}
