import { setTimeout as sleep } from 'node:timers/promises'

/**
 * Polls `probe` until it returns something other than undefined, or fails after `timeoutMs` (or once `signal`
 * aborts) with `what` and the last error seen. Polling instead of fixed sleeps keeps the tests fast when idle
 * and correct when loaded.
 */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined> | T | undefined,
  {
    timeoutMs = 15_000,
    intervalMs = 20,
    signal,
  }: { timeoutMs?: number; intervalMs?: number; signal?: AbortSignal } = {},
): Promise<T> {
  const deadline = performance.now() + timeoutMs
  let lastError: unknown
  for (;;) {
    if (signal?.aborted) throw new Error(`gave up waiting for ${what}: ${String(signal.reason)}`)
    try {
      const value = await probe()
      if (value !== undefined) return value
    } catch (err) {
      lastError = err
    }
    if (performance.now() > deadline) {
      const cause = lastError instanceof Error ? ` (last error: ${lastError.message})` : ''
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${cause}`)
    }
    await sleep(intervalMs)
  }
}
