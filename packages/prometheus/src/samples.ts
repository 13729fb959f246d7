import { instantQuery } from './query.ts'

/** What one version served in a window, from its pods' own counters. */
export interface VersionSample {
  requests: number
  errors: number
  /** p99 of its request durations in the window, ms (0 when it served nothing). */
  p99Ms: number
}

export interface WindowSamples {
  /** The window, Unix seconds: [from, to]. */
  window: [number, number]
  /** The PromQL that measured it, as run (evaluated at the window's end). */
  queries: { requests: string; errors: string; p99: string }
  versions: Record<string, VersionSample>
}

/**
 * The increase of a counter over exactly the window ending at the query's time: its highest value in the
 * window minus its value at the window's start, and for a series born in the window (a pod that started
 * during it) its whole value. Unlike increase(), nothing is extrapolated, so counts are whole requests and
 * a pod that left during the window still counts.
 */
export function windowIncrease(selector: string, windowMs: number): string {
  const range = `${selector}[${windowMs}ms]`
  return `((max_over_time(${range}) - ${selector} offset ${windowMs}ms) or max_over_time(${range}))`
}

/**
 * Requests, server errors (5xx) and p99 per `version` label of `service`'s pods over [fromMs, toMs] (Unix
 * ms), each version over the same window: what a canary step is judged on.
 */
export async function versionSamples(
  url: string,
  service: string,
  fromMs: number,
  toMs: number,
): Promise<WindowSamples> {
  const windowMs = Math.max(1, Math.round(toMs - fromMs))
  const at = toMs / 1000
  const all = `http_requests_total{service=${JSON.stringify(service)}}`
  const failed = `http_requests_total{service=${JSON.stringify(service)},status_code=~"5.."}`
  const buckets = `http_request_duration_seconds_bucket{service=${JSON.stringify(service)}}`
  const queries = {
    requests: `sum by (version) (${windowIncrease(all, windowMs)})`,
    errors: `sum by (version) (${windowIncrease(failed, windowMs)})`,
    p99: `histogram_quantile(0.99, sum by (version, le) (${windowIncrease(buckets, windowMs)}))`,
  }
  const [requests, errors, p99] = await Promise.all([
    instantQuery(url, queries.requests, at),
    instantQuery(url, queries.errors, at),
    instantQuery(url, queries.p99, at),
  ])
  const versions: Record<string, VersionSample> = {}
  const entry = (version: string | undefined) => {
    const key = version ?? 'unknown'
    versions[key] ??= { requests: 0, errors: 0, p99Ms: 0 }
    return versions[key]
  }
  for (const s of requests) entry(s.labels.version).requests = Math.round(s.value)
  for (const s of errors) entry(s.labels.version).errors = Math.round(s.value)
  for (const s of p99) {
    if (Number.isFinite(s.value)) entry(s.labels.version).p99Ms = Math.round(s.value * 10_000) / 10
  }
  return { window: [fromMs / 1000, at], queries, versions }
}
