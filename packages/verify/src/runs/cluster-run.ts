import { setTimeout as sleep } from 'node:timers/promises'
import { NoServiceError } from '../errors.ts'
import { get } from '../http.ts'
import { Load, type Sent } from '../load.ts'
import type { VerifyOptions } from '../options.ts'
import { settled } from './cluster-settle.ts'
import { type KubectlTarget, kubectl, kubectlJson, rolloutStatus } from './kubectl.ts'

/** How long a Service may take to become reachable (kube-proxy programming a new one). */
const REACH_WAIT_MS = 20_000
/** Load before the rollout starts: the Deployment serving normally. */
const STEADY_MS = 2000

interface Deployment {
  spec: {
    replicas?: number
    selector?: { matchLabels?: Record<string, string> }
    template: { metadata: { labels?: Record<string, string> } }
  }
}
interface Service {
  metadata: { name: string }
  spec: {
    type?: string
    clusterIP?: string
    selector?: Record<string, string>
    ports?: { name?: string; port: number; nodePort?: number }[]
  }
}

/** What a rollout of a Deployment under load through its Service showed. Times are ms since the load began. */
export interface ClusterRun {
  deployment: string
  service: string
  /** Where the load went: the Service's ClusterIP (or a NodePort on 127.0.0.1). */
  address: string
  replicas: number
  sent: Sent[]
  restartAt: number
  /** When `kubectl rollout status` said the rollout was complete; undefined if it never did. */
  completeAt?: number
  rolloutError?: string
}

/**
 * `kubectl rollout restart` of the Deployment while the load goes to its Service as kube-proxy routes it: every
 * pod is replaced by the real controller and kubelet, and every request is counted until `--propagation`
 * seconds after the rollout is complete.
 */
export async function clusterRun(
  options: VerifyOptions,
  target: KubectlTarget,
  progress: (line: string) => void,
): Promise<ClusterRun> {
  const ns = ['-n', options.namespace]
  const deployment = await kubectlJson<Deployment>(target, [...ns, 'get', 'deployment', options.cluster])
  const labels = deployment.spec.template.metadata.labels ?? {}
  const services = await kubectlJson<{ items: Service[] }>(target, [...ns, 'get', 'services'])
  const service = pickService(services.items, labels, options)
  const { host, port } = await reachable(service, options)
  const replicas = deployment.spec.replicas ?? 1
  await settled(options, target, deployment.spec.selector?.matchLabels ?? labels, progress)
  progress(
    `loading service/${service.metadata.name} at ${host}:${port}${options.path} (${replicas} replicas)`,
  )

  const origin = performance.now()
  const since = () => Math.round(performance.now() - origin)
  const load = new Load(port, options.path, options.rps, origin, host)
  load.start()
  await sleep(STEADY_MS)
  const result: ClusterRun = {
    deployment: options.cluster,
    service: service.metadata.name,
    address: `${host}:${port}`,
    replicas,
    sent: [],
    restartAt: since(),
  }
  try {
    await kubectl(target, [...ns, 'rollout', 'restart', `deployment/${options.cluster}`])
    progress(`kubectl rollout restart deployment/${options.cluster}`)
    // Each pod may take its grace period; the controller replaces them a few at a time.
    const timeout = options.gracePeriod * replicas + options.startupTimeout * replicas
    await rolloutStatus(target, options.namespace, options.cluster, timeout)
    result.completeAt = since()
    progress(`rollout complete after ${((result.completeAt - result.restartAt) / 1000).toFixed(1)} s`)
    await sleep(options.propagation * 1000)
  } catch (err) {
    result.rolloutError = (err as Error).message
  } finally {
    await load.stop()
    result.sent = load.sent
  }
  return result
}

/** The Service given, or the one whose selector matches the pod template's labels. */
function pickService(services: Service[], labels: Record<string, string>, options: VerifyOptions): Service {
  const where = `deployment/${options.cluster} in namespace ${options.namespace}`
  if (options.service !== '') {
    const named = services.find((s) => s.metadata.name === options.service)
    if (named === undefined) throw new NoServiceError(where, `there is no service/${options.service}`)
    return named
  }
  const selecting = services.filter((s) => {
    const selector = Object.entries(s.spec.selector ?? {})
    return selector.length > 0 && selector.every(([key, value]) => labels[key] === value)
  })
  if (selecting.length === 0) throw new NoServiceError(where, 'no Service selects its pods')
  if (selecting.length > 1)
    throw new NoServiceError(where, `${selecting.map((s) => s.metadata.name).join(', ')} all select its pods`)
  return selecting[0] as Service
}

/** The Service's ClusterIP if this machine reaches it (kube-proxy's rules apply here), else a NodePort on 127.0.0.1. */
async function reachable(service: Service, options: VerifyOptions): Promise<{ host: string; port: number }> {
  const ports = service.spec.ports ?? []
  const servicePort = ports.find((p) => p.name === 'http') ?? ports[0]
  const name = `service/${service.metadata.name}`
  if (servicePort === undefined) throw new NoServiceError(name, 'it has no ports')
  const candidates: { host: string; port: number }[] = []
  const { clusterIP } = service.spec
  if (clusterIP !== undefined && clusterIP !== 'None')
    candidates.push({ host: clusterIP, port: servicePort.port })
  if (servicePort.nodePort !== undefined) candidates.push({ host: '127.0.0.1', port: servicePort.nodePort })
  // A Service created a moment ago is not in kube-proxy's rules yet: give it REACH_WAIT_MS to appear.
  const deadline = performance.now() + REACH_WAIT_MS
  do {
    for (const candidate of candidates) {
      const answer = await get(candidate.port, options.path, { host: candidate.host, timeoutMs: 3000 })
      if (answer.status !== undefined && answer.status < 500) return candidate
    }
    await sleep(250)
  } while (performance.now() < deadline)
  throw new NoServiceError(
    name,
    `this machine does not reach it (${candidates.map((c) => `${c.host}:${c.port}`).join(', ') || 'headless'}): run zdd verify where kube-proxy's rules apply (a node), or give a NodePort Service`,
  )
}
