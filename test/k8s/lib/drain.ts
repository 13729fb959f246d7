// The drain budget: the kubelet's grace countdown starts before preStop, so
//   terminationGracePeriodSeconds >= preStop + SHUTDOWN_DELAY + longest request + margin,
// the app's own deadline (preStop + SHUTDOWN_TIMEOUT) must come before SIGKILL, and a pod behind a Service
// must keep serving long enough for routers to stop sending to it. Values come from the container's
// effective env, with the service schema's defaults.
import { containerConfig } from './env.ts'
import {
  byKind,
  type Dict,
  dict,
  type K8sObject,
  num,
  type PodTemplate,
  type Problem,
  podTemplates,
  problem,
  selects,
  str,
} from './objects.ts'

/** Kubernetes' default terminationGracePeriodSeconds. */
const DEFAULT_GRACE_S = 30
/** Time after the app's last request for cleanup hooks and exit, inside the grace period. */
export const DRAIN_MARGIN_S = 5
/** Endpoint removal reaches kube-proxy in ~1 s and ingress controllers in seconds. */
export const MIN_DRAIN_DELAY_S = 3

export function drainProblems(objects: K8sObject[]): Problem[] {
  return podTemplates(objects).flatMap((pod) => drain(objects, pod))
}

function drain(objects: K8sObject[], pod: PodTemplate): Problem[] {
  const { owner, spec, labels } = pod
  const problems: Problem[] = []
  const grace = num(spec.terminationGracePeriodSeconds) ?? DEFAULT_GRACE_S
  const behindService = byKind(objects, 'Service').some((svc) => {
    const selector = dict(svc.spec).selector
    return selector !== undefined && Object.keys(dict(selector)).length > 0 && selects(selector, labels)
  })
  for (const container of pod.containers) {
    const where = `container ${str(container.name)}`
    const preStop = preStopSeconds(container)
    const { schema, config } = containerConfig(objects, pod, container)
    if (schema && !config) continue // config-valid reports why; the drain numbers are unknown
    const seconds = (name: string) => (num(config?.[name]) ?? 0) / 1000
    const delay = seconds('SHUTDOWN_DELAY_MS')
    const request = seconds('REQUEST_TIMEOUT_MS')
    const timeout = seconds('SHUTDOWN_TIMEOUT_MS')
    if (behindService && preStop + delay < MIN_DRAIN_DELAY_S) {
      problems.push(
        problem(
          owner,
          'drain-delay',
          `${where}: preStop ${preStop} s + SHUTDOWN_DELAY ${delay} s < ${MIN_DRAIN_DELAY_S} s: routers still send traffic after it stops serving`,
        ),
      )
    }
    const needed = preStop + delay + request + DRAIN_MARGIN_S
    if (needed > grace) {
      problems.push(
        problem(
          owner,
          'drain-budget',
          `${where}: preStop ${preStop} s + SHUTDOWN_DELAY ${delay} s + longest request ${request} s + margin ${DRAIN_MARGIN_S} s = ${needed} s > terminationGracePeriodSeconds ${grace}`,
        ),
      )
    }
    if (config && preStop + timeout >= grace) {
      problems.push(
        problem(
          owner,
          'drain-budget',
          `${where}: preStop ${preStop} s + SHUTDOWN_TIMEOUT ${timeout} s >= terminationGracePeriodSeconds ${grace}: SIGKILL before the app's own deadline`,
        ),
      )
    }
    if (config && timeout < delay + request) {
      problems.push(
        problem(
          owner,
          'drain-budget',
          `${where}: SHUTDOWN_TIMEOUT ${timeout} s < SHUTDOWN_DELAY ${delay} s + longest request ${request} s: the deadline cuts the drain`,
        ),
      )
    }
  }
  return problems
}

/** A native preStop sleep, or an exec of `sleep N` (directly or through a shell). */
function preStopSeconds(container: Dict): number {
  const preStop = dict(dict(container.lifecycle).preStop)
  const sleep = num(dict(preStop.sleep).seconds)
  if (sleep !== undefined) return sleep
  const command = dict(preStop.exec).command
  const text = Array.isArray(command) ? command.join(' ') : ''
  const match = /(?:^|\s|\/)sleep\s+(\d+(?:\.\d+)?)/.exec(text)
  return match ? Number(match[1]) : 0
}
