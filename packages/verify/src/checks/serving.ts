import type { VerifyOptions } from '../options.ts'
import type { CheckResult } from '../report.ts'
import { BURST, type MainRun } from '../runs/main-run.ts'
import { failed, kinds, NEVER_READY, notApplicable } from './common.ts'

/** 1. Start-up: time to the first ready, and nothing failed once readiness said 200. */
export function startupCheck(run: MainRun, options: VerifyOptions): CheckResult {
  const base = { n: 1, id: 'startup', title: 'start-up: ready only once it can serve' }
  if (run.readyAt === undefined) {
    const ended = run.earlyExit
    return {
      ...base,
      status: 'fail',
      figure: ended
        ? `exited (${ended.code ?? ended.signal}) before ${options.readyPath} answered 200`
        : `${options.readyPath} did not answer 200 within ${options.startupTimeout} s`,
      reason: 'Kubernetes never sends traffic to a pod that is not ready, so a rollout would stall on it.',
      fix: `serve ${options.readyPath} with 200 once the service can serve (on MANAGEMENT_PORT, or on PORT with --probes-on-port); give other paths with --ready-path, or more time with --startup-timeout`,
    }
  }
  const steady = run.sent.filter((sent) => run.deletedAt === undefined || sent.at < run.deletedAt)
  const lost = [...run.burst, ...steady].filter(failed)
  const figure = `ready ${run.readyAt} ms after the start; ${BURST - run.burst.filter(failed).length} of ${BURST} requests sent at that moment answered, ${steady.length - steady.filter(failed).length} of ${steady.length} in the second after`
  if (lost.length === 0) {
    const notFound = run.burst.every((answer) => answer.status === 404)
    if (notFound)
      return {
        ...base,
        status: 'fail',
        figure,
        reason: `${options.path} answers 404: the load would measure nothing.`,
        fix: 'give a path the service serves with --path',
      }
    return { ...base, status: 'pass', figure, reason: 'ready came after the service could serve' }
  }
  return {
    ...base,
    status: 'fail',
    figure: `${figure}: ${kinds(lost)}`,
    reason:
      'readiness said 200 before the service could serve: Kubernetes sends traffic the moment a pod is ready.',
    fix: 'answer 200 on the readiness path only once the traffic listener is open and dependencies are loaded',
  }
}

/** 2. Liveness and readiness separate; readiness fails on the signal before the service stops accepting. */
export function probesCheck(run: MainRun, options: VerifyOptions): CheckResult {
  const base = { n: 2, id: 'probes', title: 'liveness and readiness are separate; readiness fails first' }
  if (run.readyAt === undefined || run.signalAt === undefined) return notApplicable(base, NEVER_READY)
  if (options.readyPath === options.livePath)
    return {
      ...base,
      status: 'fail',
      figure: `one path for both: ${options.readyPath}`,
      reason:
        'a drain fails readiness; on the same endpoint it fails liveness too, and a failing liveness restarts the container.',
      fix: 'serve readiness (can I take traffic?) and liveness (is the process stuck?) on two paths',
    }
  if (run.atStart?.live !== 200)
    return {
      ...base,
      status: 'fail',
      figure: `${options.livePath} answered ${run.atStart?.live} while the service was ready`,
      reason: 'the kubelet restarts a container whose liveness fails.',
      fix: `serve ${options.livePath} with 200 while the process works (give another path with --live-path)`,
    }
  const signalAt = run.signalAt
  const after = run.rounds.filter((round) => round.at >= signalAt)
  const liveFailed = after.find((round) => typeof round.live === 'number' && round.live !== 200)
  const refused = run.sent.find(
    (sent) => sent.at >= signalAt && sent.via === 'new' && sent.error === 'ECONNREFUSED',
  )
  const exitAt =
    run.exit && run.deletedAt !== undefined ? run.deletedAt + run.exit.afterMs : Number.POSITIVE_INFINITY
  const stoppedAt = Math.min(refused?.at ?? Number.POSITIVE_INFINITY, exitAt)
  // Readiness failed first if it answered non-200, or stopped answering while new connections were still served.
  const lastServed = Math.max(
    -1,
    ...run.sent
      .filter((sent) => sent.via === 'new' && !failed(sent) && sent.at < stoppedAt)
      .map((sent) => sent.at),
  )
  const readyFailed = after.find(
    (round) =>
      round.at < stoppedAt &&
      ((typeof round.ready === 'number' && round.ready !== 200) ||
        (round.ready !== 200 && round.at <= lastServed)),
  )
  const stopped = Number.isFinite(stoppedAt) ? `${stoppedAt - signalAt} ms` : 'never'
  if (liveFailed)
    return {
      ...base,
      status: 'fail',
      figure: `${options.livePath} answered ${liveFailed.live} ${liveFailed.at - signalAt} ms after the signal`,
      reason: 'liveness failed during the drain: liveness must not depend on draining or on dependencies.',
      fix: 'keep liveness 200 until the process exits; fail readiness only',
    }
  if (!readyFailed)
    return {
      ...base,
      status: 'fail',
      figure: `${options.readyPath} still said 200 when the service stopped accepting (${stopped} after the signal)`,
      reason:
        'load balancers that probe (and Kubernetes for a pod that is not being deleted) keep sending to a pod that says ready.',
      fix: `answer 503 on ${options.readyPath} as soon as the signal arrives, then keep serving for the propagation window`,
    }
  return {
    ...base,
    status: 'pass',
    figure: `${options.readyPath} failed ${readyFailed.at - signalAt} ms after the signal; it stopped accepting ${stopped} after it; ${options.livePath} 200 throughout`,
    reason: 'readiness failed before the service stopped accepting',
  }
}

/** 3. Under keep-alive load, the deletion and the signal lose nothing. */
export function drainCheck(run: MainRun, options: VerifyOptions): CheckResult {
  const base = { n: 3, id: 'drain', title: 'no request lost under keep-alive load across the signal' }
  if (run.deletedAt === undefined || run.signalAt === undefined) return notApplicable(base, NEVER_READY)
  const deletedAt = run.deletedAt
  const signalAt = run.signalAt
  const during = run.sent.filter((sent) => sent.at >= deletedAt)
  const lost = during.filter(failed)
  const afterSignal = during.filter((sent) => sent.at >= signalAt)
  const accepted = afterSignal.filter((sent) => sent.via === 'new' && !failed(sent)).length
  const closes = during.filter((sent) => sent.via === 'keep-alive' && sent.connectionClose).length
  const figure = `${lost.length} of ${during.length} failed from the deletion on (${afterSignal.length} sent after the signal, ${accepted} of them on new connections and answered; ${closes} keep-alive answers said Connection: close)`
  if (lost.length === 0) return { ...base, status: 'pass', figure, reason: 'nothing lost' }
  const refused = lost.filter((sent) => sent.error === 'ECONNREFUSED')
  const cut = lost.filter((sent) => sent.error !== undefined && sent.error !== 'ECONNREFUSED')
  const firstRefused = refused[0]
  if (firstRefused !== undefined)
    return {
      ...base,
      status: 'fail',
      figure: `${figure}: ${kinds(lost)}`,
      reason: `new connections were refused ${firstRefused.at - signalAt} ms after the signal, while routers still sent them for ${options.propagation} s after the deletion.`,
      fix: `keep the listener open and serving for at least the propagation window after the signal (with @zdd/lifecycle: its default adaptive drain, SHUTDOWN_QUIET_MS > 0, or SHUTDOWN_DELAY_MS ≥ ${options.propagation * 1000}; or a preStop sleep), then close it`,
    }
  if (cut.length > 0)
    return {
      ...base,
      status: 'fail',
      figure: `${figure}: ${kinds(lost)}`,
      reason:
        'requests were cut on open connections: keep-alive connections closed under a request, or the process exited with requests in flight.',
      fix: 'during the drain answer with Connection: close so that keep-alive clients reconnect elsewhere, close connections only when idle, and exit only after in-flight requests finish',
    }
  return {
    ...base,
    status: 'fail',
    figure: `${figure}: ${kinds(lost)}`,
    reason: 'the service answered 5xx while draining.',
    fix: 'serve normally until the listener closes (no 503 to requests that still arrive during the drain)',
  }
}

/** 4. A long request in flight at the signal completes. */
export function longRequestCheck(run: MainRun, options: VerifyOptions): CheckResult {
  const base = { n: 4, id: 'long-request', title: 'a long request in flight at the signal completes' }
  if (options.longPath === '')
    return notApplicable(base, 'give --long-path, a route that takes a few seconds, to check this')
  if (run.signalAt === undefined || run.long === undefined) return notApplicable(base, NEVER_READY)
  const signalAt = run.signalAt
  const { long } = run
  const endedAt = long.at + long.ms
  if (!failed(long) && endedAt < signalAt)
    return notApplicable(
      base,
      `${options.longPath} answered in ${long.ms} ms, before the signal: give a slower route`,
    )
  const figure = `${options.longPath}: ${long.status ?? long.error} after ${long.ms} ms, ${endedAt - signalAt} ms after the signal`
  if (!failed(long)) return { ...base, status: 'pass', figure, reason: 'completed' }
  return {
    ...base,
    status: 'fail',
    figure,
    reason: 'the request in flight at the signal was cut.',
    fix: 'on the signal, stop accepting (after the delay) but let running requests finish before exiting; keep terminationGracePeriodSeconds above the delay plus the longest request',
  }
}
