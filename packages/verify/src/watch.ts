import { setTimeout as sleep } from 'node:timers/promises'
import { get } from './http.ts'

/** One probe round: readiness and liveness answers (status, or the connection error), at ms since the origin. */
export interface ProbeRound {
  at: number
  ready: number | string
  live: number | string
}

const EVERY_MS = 50

/** Reads both probes on new connections every 50 ms, as a kubelet would (only more often), until stopped. */
export class ProbeWatch {
  readonly rounds: ProbeRound[] = []
  #stopped = false
  #loop: Promise<void>

  constructor(port: number, readyPath: string, livePath: string, origin: number) {
    this.#loop = (async () => {
      while (!this.#stopped) {
        const at = Math.round(performance.now() - origin)
        const [ready, live] = await Promise.all([
          get(port, readyPath, { timeoutMs: 1000 }),
          get(port, livePath, { timeoutMs: 1000 }),
        ])
        this.rounds.push({
          at,
          ready: ready.status ?? ready.error ?? '?',
          live: live.status ?? live.error ?? '?',
        })
        await sleep(EVERY_MS)
      }
    })()
  }

  async stop(): Promise<void> {
    this.#stopped = true
    await this.#loop
  }
}

/** Polls the readiness path until it answers 200 (true), the deadline passes or `gone()` says to stop (false). */
export async function waitReady(
  port: number,
  path: string,
  deadline: number,
  gone: () => boolean,
): Promise<boolean> {
  while (performance.now() < deadline && !gone()) {
    if ((await get(port, path, { timeoutMs: 1000 })).status === 200) return true
    await sleep(20)
  }
  return false
}
