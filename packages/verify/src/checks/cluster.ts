import type { VerifyOptions } from '../options.ts'
import type { CheckResult } from '../report.ts'
import type { ClusterRun } from '../runs/cluster-run.ts'
import { failed, kinds, notApplicable } from './common.ts'

const LOCAL_ONLY = 'measured when zdd verify runs the command itself (without --cluster)'

/** With --cluster: the rollout completes (1) and loses nothing (3); the rest needs the process itself. */
export function clusterChecks(run: ClusterRun, options: VerifyOptions): CheckResult[] {
  const during = run.sent.filter((sent) => sent.at >= run.restartAt)
  const lost = during.filter(failed)
  const took = run.completeAt === undefined ? undefined : ((run.completeAt - run.restartAt) / 1000).toFixed(1)
  const rollout: CheckResult =
    took === undefined
      ? {
          n: 1,
          id: 'startup',
          title: 'the rollout completes: new pods become ready',
          status: 'fail',
          figure: `kubectl rollout status did not report the rollout complete: ${run.rolloutError}`,
          reason: 'the new pods never all became ready, so the rollout stalled.',
          fix: `look at the new pods (kubectl -n ${options.namespace} get pods, describe, logs): readiness must turn 200 once they can serve`,
        }
      : {
          n: 1,
          id: 'startup',
          title: 'the rollout completes: new pods become ready',
          status: 'pass',
          figure: `${run.replicas} replica${run.replicas === 1 ? '' : 's'} of deployment/${run.deployment} replaced in ${took} s`,
          reason: 'complete',
        }
  const when = (at: number) => `+${((at - run.restartAt) / 1000).toFixed(1)} s`
  const first = lost[0]
  const last = lost.at(-1)
  const timing = first && last ? `; first ${when(first.at)}, last ${when(last.at)} after the restart` : ''
  const figure = `${lost.length} of ${during.length} failed from the restart on, through service/${run.service} (${run.address})${timing}`
  // Refused by a pod that stopped accepting, or sent to one already gone (no route, no answer).
  const refused = lost.filter((sent) =>
    ['ECONNREFUSED', 'EHOSTUNREACH', 'timeout'].includes(sent.error ?? ''),
  )
  const drain: CheckResult =
    lost.length === 0
      ? {
          n: 3,
          id: 'drain',
          title: 'no request lost under keep-alive load across the rollout',
          status: 'pass',
          figure,
          reason: 'nothing lost',
        }
      : {
          n: 3,
          id: 'drain',
          title: 'no request lost under keep-alive load across the rollout',
          status: 'fail',
          figure: `${figure}: ${kinds(lost)}`,
          reason:
            refused.length > 0
              ? 'new connections reached pods that had stopped accepting, or were gone: a terminating pod is still sent new connections until every kube-proxy has dropped it, and here that took longer than the pods kept serving.'
              : 'requests were cut on open connections, or answered 5xx, while pods were replaced.',
          fix:
            refused.length > 0
              ? 'keep serving after SIGTERM for longer than the endpoint propagation (with @zdd/lifecycle: the adaptive drain, SHUTDOWN_QUIET_MS > 0, or SHUTDOWN_DELAY_MS; or a preStop sleep), then close the listener; on a busy cluster measure the propagation, it grows with load'
              : 'answer with Connection: close while draining, close connections only when idle, and exit only after requests in flight finish',
        }
  const rest: CheckResult[] = [
    [2, 'probes', 'liveness and readiness are separate; readiness fails first'],
    [4, 'long-request', 'a long request in flight at the signal completes'],
    [5, 'exit', 'exits by itself with code 0 within the grace period'],
    [6, 'pid1', 'as PID 1, the signal reaches the service'],
    [7, 'no-hang', 'does not hang on open connections'],
    [8, 'leftovers', 'nothing left running after the command ends'],
  ].map(([n, id, title]) =>
    notApplicable({ n: n as number, id: id as string, title: title as string }, LOCAL_ONLY),
  )
  return [rollout, rest[0] as CheckResult, drain, ...rest.slice(1)]
}
