import { setTimeout as sleep } from 'node:timers/promises'

/** Polls `check` until it returns a truthy value or `timeoutMs` passes; returns the value or undefined. */
export async function waitFor<T>(
  check: () => Promise<T | undefined | false>,
  timeoutMs: number,
  intervalMs = 250,
): Promise<T | undefined> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await check().catch(() => undefined)
    if (value) return value
    if (Date.now() >= deadline) return undefined
    // ref'd: the caller is waiting on this, and nothing else may keep the process alive meanwhile.
    await sleep(intervalMs)
  }
}
