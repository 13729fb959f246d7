import { setTimeout as sleep } from 'node:timers/promises'
import type { Exit, StackProcess } from './process.ts'

/** First restart delay; doubled on each crash in a row, up to MAX_DELAY_MS. */
export const FIRST_DELAY_MS = 250
export const MAX_DELAY_MS = 8000
/** A service that stayed up this long is healthy again: its next crash restarts it after FIRST_DELAY_MS. */
export const HEALTHY_AFTER_MS = 10_000

/** The wait before the restart that follows `crashesInARow` crashes (1 = the first). */
export function restartDelay(crashesInARow: number): number {
  return Math.min(FIRST_DELAY_MS * 2 ** Math.max(crashesInARow - 1, 0), MAX_DELAY_MS)
}

export interface SuperviseOptions {
  readyTimeoutMs: number
  say: (line: string) => void
  /** Called after each (re)start, with the new pid. */
  started?: (member: StackProcess) => void
}

function describe(exit: Exit): string {
  return exit.signal ? `killed by ${exit.signal}` : `exit code ${exit.code}`
}

/**
 * Keeps one started member running until it is stopped: when it exits by itself, it is started again after
 * a delay that doubles while it keeps crashing (the others keep serving meanwhile), and its readiness is
 * reported. Resolves once the member was stopped.
 */
export async function supervise(member: StackProcess, opts: SuperviseOptions): Promise<void> {
  const { name } = member.spec
  let crashes = 0
  for (;;) {
    const exit = await member.exited
    if (member.stopping) return
    const upMs = performance.now() - member.startedAt
    crashes = upMs >= HEALTHY_AFTER_MS ? 1 : crashes + 1
    const delay = restartDelay(crashes)
    opts.say(`${name} ${describe(exit)} after ${(upMs / 1000).toFixed(1)} s; restarting in ${delay} ms`)
    await sleep(delay)
    if (member.stopping) return
    member.start()
    opts.started?.(member)
    try {
      const readyMs = await member.waitReady(opts.readyTimeoutMs)
      opts.say(`${name} ready again (pid ${member.pid}, ${Math.round(readyMs)} ms after its restart)`)
    } catch (err) {
      if (!member.stopping) opts.say(`${name}: ${(err as Error).message}`)
    }
  }
}
