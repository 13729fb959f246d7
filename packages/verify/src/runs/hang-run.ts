import type { Socket } from 'node:net'
import type { Exit } from '../child.ts'
import { get, halfSentRequest, keepAliveAgent } from '../http.ts'
import type { Leftover } from '../leftovers.ts'
import { endRun, launch, type Target, untilReady } from './launch.ts'

/** What the command did on the signal with connections open that never finish by themselves. */
export interface HangRun {
  ready: boolean
  /** ms after the first signal when the second one went out, if the command was still running. */
  secondSignalAt?: number
  exit?: Exit
  leftovers: Leftover[]
  output: string
}

/** How long a second signal is given to end what the first did not. */
const SECOND_SIGNAL_MS = 2000

/**
 * Leaves an idle keep-alive connection and a half-sent request open, then signals. Still running at the grace
 * deadline → a second signal (what an operator's second Ctrl-C or `docker stop` does), and SIGKILL 2 s later.
 */
export async function hangRun(target: Target): Promise<HangRun> {
  const { options } = target
  const run = await launch(target)
  const { child, port } = run
  const result: HangRun = { ready: false, leftovers: [], output: '' }
  const agent = keepAliveAgent()
  let slow: Socket | undefined
  try {
    result.ready = await untilReady(run, options)
    if (!result.ready) return result
    await get(port, options.path, { agent, timeoutMs: 10_000 })
    slow = await halfSentRequest(port, options.path)
    const signalled = performance.now()
    child.signal(options.signal)
    const deadline = signalled + options.gracePeriod * 1000
    result.exit = await child.exitBy(signalled, deadline)
    if (result.exit === undefined) {
      result.secondSignalAt = Math.round(performance.now() - signalled)
      child.signal(options.signal)
      result.exit = await child.waitExit(signalled, performance.now() + SECOND_SIGNAL_MS)
    }
    return result
  } finally {
    slow?.destroy()
    agent.destroy()
    Object.assign(result, await endRun(run))
  }
}
