import type { Pod } from '../model/pod.ts'

/** What the gateway's /metrics counted over the run, summed over its pods (each pod's last reading). */
export interface GatewayCounters {
  /** Idempotent requests it sent a second time after a refused or reset upstream connection. */
  retries: number
  /** Requests it answered itself because the upstream failed, by error code. */
  upstreamErrors: Record<string, number>
  /** Proxied requests by the status the client got (gateway_upstream_requests_total). */
  answered: Record<string, number>
  /** shadow_requests_total by result (match, mismatch, error). */
  shadow: Record<string, number>
  /** shadow_dropped_total by reason (busy, too_large). */
  shadowDropped: Record<string, number>
  /** Gateway pods read; a pod's requests after its last reading (≤ one interval) are not in the sums. */
  pods: number
}

/** One `shadow mismatch` log line of the gateway: both normalised bodies (cut at 500 characters). */
export interface MismatchSample {
  tMs: number
  path: string
  reason: string
  primary: { status: number; body: string }
  shadow: { status: number; body: string }
}

export interface Sample {
  name: string
  labels: Record<string, string>
  value: number
}

const LINE = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})?\s+(\S+)/
const LABEL = /(\w+)="((?:[^"\\]|\\.)*)"/g

/** The samples of the named metric families in a Prometheus text exposition. */
export function parseMetrics(text: string, names: ReadonlySet<string>): Sample[] {
  const samples: Sample[] = []
  for (const line of text.split('\n')) {
    const match = LINE.exec(line)
    if (!match?.[1] || !names.has(match[1])) continue
    const labels: Record<string, string> = {}
    for (const [, key, value] of (match[2] ?? '').matchAll(LABEL)) if (key) labels[key] = value ?? ''
    samples.push({ name: match[1], labels, value: Number(match[3]) })
  }
  return samples
}

const FAMILIES = new Set([
  'gateway_upstream_retries_total',
  'gateway_upstream_errors_total',
  'gateway_upstream_requests_total',
  'shadow_requests_total',
  'shadow_dropped_total',
])
const MAX_SAMPLES = 5

/**
 * Reads the gateway pods' counters while they run (a pod rolled away takes its counters with it, so each
 * pod is read every interval and its last reading kept) and keeps the first `shadow mismatch` log lines.
 */
export class GatewayWatch {
  readonly mismatches: MismatchSample[] = []
  /** Every `shadow mismatch` line seen (the gateway logs at most one per route per second). */
  mismatchLines = 0
  readonly #readings = new Map<string, Sample[]>()
  readonly #listening = new WeakSet<Pod>()
  readonly #pods: () => readonly Pod[]
  readonly #clock: () => number
  readonly #intervalMs: number
  #timer: NodeJS.Timeout | undefined
  #busy = false

  constructor(pods: () => readonly Pod[], clock: () => number, intervalMs = 250) {
    this.#pods = pods
    this.#clock = clock
    this.#intervalMs = intervalMs
  }

  start(): void {
    this.#timer ??= setInterval(() => void this.#readAll(), this.#intervalMs)
    this.#timer.unref()
    void this.#readAll()
  }

  /** A last reading of every pod still running, then no more. Never throws. */
  async stop(): Promise<void> {
    clearInterval(this.#timer)
    while (this.#busy) await new Promise((resolve) => setTimeout(resolve, 10))
    await this.#readAll()
  }

  counters(): GatewayCounters {
    const counters: GatewayCounters = {
      retries: 0,
      upstreamErrors: {},
      answered: {},
      shadow: {},
      shadowDropped: {},
      pods: this.#readings.size,
    }
    const add = (into: Record<string, number>, key: string | undefined, value: number) => {
      if (key !== undefined) into[key] = (into[key] ?? 0) + value
    }
    for (const sample of [...this.#readings.values()].flat()) {
      const { name, labels, value } = sample
      if (name === 'gateway_upstream_retries_total') counters.retries += value
      else if (name === 'gateway_upstream_errors_total') add(counters.upstreamErrors, labels.code, value)
      else if (name === 'gateway_upstream_requests_total') add(counters.answered, labels.status_code, value)
      else if (name === 'shadow_requests_total') add(counters.shadow, labels.result, value)
      else if (name === 'shadow_dropped_total') add(counters.shadowDropped, labels.reason, value)
    }
    return counters
  }

  async #readAll(): Promise<void> {
    if (this.#busy) return
    this.#busy = true
    try {
      const pods = this.#pods().filter((pod) => pod.phase === 'Running' || pod.phase === 'Terminating')
      for (const pod of pods) this.#listen(pod)
      await Promise.all(pods.map((pod) => this.#read(pod)))
    } finally {
      this.#busy = false
    }
  }

  async #read(pod: Pod): Promise<void> {
    try {
      const response = await fetch(`http://127.0.0.1:${pod.managementPort}/metrics`, {
        signal: AbortSignal.timeout(1000),
      })
      if (response.ok) this.#readings.set(pod.name, parseMetrics(await response.text(), FAMILIES))
      else await response.body?.cancel()
    } catch {
      // Not listening yet, or gone: its last reading stands.
    }
  }

  #listen(pod: Pod): void {
    if (this.#listening.has(pod)) return
    this.#listening.add(pod)
    pod.on('log', (line) => {
      if (!line.includes('shadow mismatch')) return
      try {
        const entry = JSON.parse(line) as Partial<MismatchSample> & { msg?: string }
        if (entry.msg !== 'shadow mismatch') return
        this.mismatchLines += 1
        if (this.mismatches.length >= MAX_SAMPLES || !entry.primary || !entry.shadow) return
        this.mismatches.push({
          tMs: Math.round(this.#clock()),
          path: String(entry.path ?? ''),
          reason: String(entry.reason ?? ''),
          primary: entry.primary,
          shadow: entry.shadow,
        })
      } catch {
        // Not a JSON log line.
      }
    })
  }
}
