import { setTimeout as sleep } from 'node:timers/promises'
import type { Exit } from '../child.ts'
import { type Answer, get } from '../http.ts'
import type { Leftover } from '../leftovers.ts'
import { Load, type Sent } from '../load.ts'
import { type ProbeRound, ProbeWatch } from '../watch.ts'
import { endRun, launch, type Target, untilReady } from './launch.ts'

/** Requests sent at once on new connections the moment readiness first says 200. */
export const BURST = 20
/** Load before the pod is deleted: the service serving normally. */
const STEADY_MS = 1000
/** How long before the deletion the long request goes out, so that it is in flight at the signal. */
const LONG_LEAD_MS = 200

/** What one start → load → delete → signal → exit of the command showed. Times are ms since the spawn. */
export interface MainRun {
  readyAt?: number
  /** The command ended before it was ready. */
  earlyExit?: Exit
  /** Answers to the burst sent as readiness first said 200. */
  burst: Answer[]
  /** Liveness and readiness read once, after the first ready. */
  atStart?: { ready: number | string; live: number | string }
  sent: Sent[]
  /** The pod's deletion (the propagation window and the grace period start), the signal, the window's end. */
  deletedAt?: number
  signalAt?: number
  windowEndsAt?: number
  long?: Answer & { at: number }
  rounds: ProbeRound[]
  exit?: Exit
  leftovers: Leftover[]
  output: string
}

/** Checks 1–5 and 8 read this run: the command started, loaded, its pod deleted and signalled like a kubelet. */
export async function mainRun(target: Target, progress: (line: string) => void): Promise<MainRun> {
  const { options } = target
  const run = await launch(target)
  const { child, port, probePort, origin } = run
  const since = () => Math.round(performance.now() - origin)
  const result: MainRun = { burst: [], sent: [], rounds: [], leftovers: [], output: '' }
  try {
    const ready = await untilReady(run, options)
    if (!ready) {
      if (!child.alive) result.earlyExit = await child.waitExit(origin, performance.now())
      return result
    }
    result.readyAt = since()
    progress(`ready ${result.readyAt} ms after the start`)
    result.burst = await Promise.all(
      Array.from({ length: BURST }, () => get(port, options.path, { timeoutMs: 10_000 })),
    )
    const [readyAnswer, liveAnswer] = await Promise.all([
      get(probePort, options.readyPath, { timeoutMs: 1000 }),
      get(probePort, options.livePath, { timeoutMs: 1000 }),
    ])
    result.atStart = {
      ready: readyAnswer.status ?? readyAnswer.error ?? '?',
      live: liveAnswer.status ?? liveAnswer.error ?? '?',
    }

    const load = new Load(port, options.path, options.rps, origin)
    load.start()
    await sleep(STEADY_MS)
    let long: Promise<void> | undefined
    if (options.longPath !== '') {
      const at = since()
      long = get(port, options.longPath, { timeoutMs: (options.gracePeriod + 10) * 1000 }).then((answer) => {
        result.long = { ...answer, at }
      })
      await sleep(LONG_LEAD_MS)
    }
    const watch = new ProbeWatch(probePort, options.readyPath, options.livePath, origin)
    const deleted = performance.now()
    result.deletedAt = since()
    load.podDeleted(options.propagation * 1000)
    result.windowEndsAt = result.deletedAt + options.propagation * 1000
    progress(`pod deleted at ${result.deletedAt} ms: new connections for ${options.propagation} s more`)
    await sleep(options.prestopSleep * 1000)
    child.signal(options.signal)
    result.signalAt = since()
    progress(`${options.signal} at ${result.signalAt} ms`)
    result.exit = await child.waitExit(deleted, deleted + options.gracePeriod * 1000)
    progress(
      result.exit.killed
        ? `still running at the grace deadline: SIGKILL`
        : `exited ${result.exit.afterMs} ms after the deletion (code ${result.exit.code ?? result.exit.signal})`,
    )
    // Routers keep sending new connections until the window ends, whether or not the process is still there.
    await sleep(Math.max(0, deleted + options.propagation * 1000 - performance.now()))
    await load.stop()
    await long
    await watch.stop()
    result.sent = load.sent
    result.rounds = watch.rounds
    return result
  } finally {
    Object.assign(result, await endRun(run))
  }
}
