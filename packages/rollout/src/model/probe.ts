import { request } from 'node:http'

export interface ProbeSpec {
  path: string
  /**
   * Which of the pod's ports the probe asks: `management` (the default, where @zdd/lifecycle serves its
   * probes) or `traffic` (PORT), for services whose health endpoints live beside their routes.
   */
  port?: 'management' | 'traffic'
  periodMs: number
  timeoutMs: number
  /** Consecutive failures before the probe counts as failed (Kubernetes failureThreshold). */
  failureThreshold: number
  /** Consecutive successes before a failed probe counts as passing again (Kubernetes successThreshold). */
  successThreshold: number
}

/** One HTTP probe like the kubelet's: a fresh connection, 200-399 within the timeout is a success. */
export function probeOnce(port: number, path: string, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path, agent: false, timeout: timeoutMs }, (res) => {
      res.resume()
      resolve((res.statusCode ?? 0) >= 200 && (res.statusCode ?? 0) < 400)
    })
    req.once('timeout', () => req.destroy())
    req.once('error', () => resolve(false))
    req.end()
  })
}

/**
 * Runs a probe every period and reports transitions, with the thresholds deciding when a run of results
 * flips the state. Starts as failing, like a readiness probe before its first success.
 */
export class Prober {
  #passing = false
  #successes = 0
  #failures = 0
  #timer: NodeJS.Timeout | undefined
  #stopped = false

  readonly #port: number
  readonly #spec: ProbeSpec
  readonly #onChange: (passing: boolean) => void

  constructor(port: number, spec: ProbeSpec, onChange: (passing: boolean) => void) {
    this.#port = port
    this.#spec = spec
    this.#onChange = onChange
  }

  get passing(): boolean {
    return this.#passing
  }

  start(): void {
    this.#stopped = false
    this.#schedule(0)
  }

  stop(): void {
    this.#stopped = true
    clearTimeout(this.#timer)
  }

  #schedule(delayMs: number): void {
    if (this.#stopped) return
    this.#timer = setTimeout(() => void this.#tick(), delayMs)
    this.#timer.unref()
  }

  async #tick(): Promise<void> {
    const ok = await probeOnce(this.#port, this.#spec.path, this.#spec.timeoutMs)
    if (this.#stopped) return
    if (ok) {
      this.#failures = 0
      this.#successes += 1
      if (!this.#passing && this.#successes >= this.#spec.successThreshold) this.#flip(true)
    } else {
      this.#successes = 0
      this.#failures += 1
      if (this.#passing && this.#failures >= this.#spec.failureThreshold) this.#flip(false)
    }
    this.#schedule(this.#spec.periodMs)
  }

  #flip(passing: boolean): void {
    this.#passing = passing
    this.#onChange(passing)
  }
}
