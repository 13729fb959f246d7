// Who reaches a backend's traffic port, from the rendered NetworkPolicies: the gateway only, plus Traefik for
// backends a Traefik or Gateway API route of the render sends to. Every other pod (a backend is any zdd pod
// but the gateway's) must be isolated for ingress, and no rule admitting its traffic port may name another
// source: all sources, the whole namespace, other namespaces, IP blocks. NetworkPolicies add up, so one
// permissive policy opens the backend whatever the others say.
import { isGateway } from './gateway.ts'
import {
  byKind,
  type Dict,
  dict,
  find,
  id,
  isEmptySelector,
  type K8sObject,
  list,
  type PodTemplate,
  type Problem,
  problem,
  selectedPods,
  selects,
  str,
} from './objects.ts'
import { PORT_NAMES } from './services.ts'

/** Where Prometheus runs (components/metrics-servicemonitor's Prometheus Operator, the scrape annotations). */
const MONITORING_NAMESPACE = 'monitoring'

/** Where k8s/addons/traefik installs Traefik, and its pods' label. */
const TRAEFIK = { namespace: 'traefik', name: 'traefik' } as const

/** The ingress policies of the pod's namespace that select it: none means every source reaches every port. */
function isolatingPolicies(policies: K8sObject[], pod: PodTemplate): K8sObject[] {
  return policies.filter(
    (policy) =>
      policy.metadata?.namespace === pod.owner.metadata?.namespace &&
      selects(dict(policy.spec).podSelector, pod.labels),
  )
}

function notIsolated(
  pod: PodTemplate,
  rule: 'backend-ingress' | 'management-ingress',
  what: string,
): Problem {
  return problem(
    pod.owner,
    rule,
    `no NetworkPolicy selects its pods for ingress: any pod in the cluster reaches ${what}`,
  )
}

function ingressPolicies(objects: K8sObject[]): K8sObject[] {
  return byKind(objects, 'NetworkPolicy').filter((policy) => {
    const spec = dict(policy.spec)
    const types = Array.isArray(spec.policyTypes) ? spec.policyTypes : ['Ingress']
    return types.includes('Ingress')
  })
}

/**
 * The management port (probes, /metrics, the controls when enabled) of every pod: isolated, and admitted only
 * from the monitoring namespace. Another pod reaching it could read metrics or, with MANAGEMENT_CONTROLS, take
 * pods out of rotation.
 */
export function managementProblems(objects: K8sObject[], pods: PodTemplate[]): Problem[] {
  const policies = ingressPolicies(objects)
  const problems: Problem[] = []
  for (const pod of pods) {
    const management = namedPort(pod, PORT_NAMES.management)
    if (management === undefined) continue
    const isolating = isolatingPolicies(policies, pod)
    if (isolating.length === 0) {
      problems.push(notIsolated(pod, 'management-ingress', 'its management port'))
      continue
    }
    for (const policy of isolating) {
      for (const [i, rule] of list(dict(policy.spec).ingress).entries()) {
        if (!admitsPort(rule, management)) continue
        const peers = list(rule.from)
        if (!Array.isArray(rule.from) || peers.length === 0) {
          problems.push(
            problem(
              policy,
              'management-ingress',
              `ingress[${i}] admits every source to the management port of ${id(pod.owner)}`,
            ),
          )
          continue
        }
        for (const peer of peers) {
          const namespace = dict(dict(peer.namespaceSelector).matchLabels)['kubernetes.io/metadata.name']
          if (peer.namespaceSelector === undefined || namespace !== MONITORING_NAMESPACE)
            problems.push(
              problem(
                policy,
                'management-ingress',
                `ingress[${i}] admits ${JSON.stringify(peer)} to the management port of ${id(pod.owner)}; only namespace ${MONITORING_NAMESPACE} (Prometheus) may`,
              ),
            )
        }
      }
    }
  }
  return problems
}

export function ingressProblems(objects: K8sObject[], pods: PodTemplate[]): Problem[] {
  const gateways = pods.filter((pod) => pod.containers.some(isGateway))
  const routed = edgeRouted(objects, pods)
  const policies = ingressPolicies(objects)
  const problems: Problem[] = []
  /** One problem per policy rule and peer, naming every backend it opens. */
  const opened = new Map<string, { policy: K8sObject; message: string; backends: Set<string> }>()
  for (const pod of pods) {
    if (gateways.includes(pod)) continue
    const traffic = trafficPort(pod)
    if (traffic === undefined) continue
    const isolating = isolatingPolicies(policies, pod)
    if (isolating.length === 0) {
      problems.push(notIsolated(pod, 'backend-ingress', 'its traffic port, not only the gateway'))
      continue
    }
    for (const policy of isolating) {
      for (const [i, rule] of list(dict(policy.spec).ingress).entries()) {
        if (!admitsPort(rule, traffic)) continue
        for (const message of peerProblems(rule, pod, pods, gateways, routed)) {
          const key = `${id(policy)} ${i} ${message}`
          const entry = opened.get(key) ?? {
            policy,
            message: `ingress[${i}] ${message}`,
            backends: new Set(),
          }
          entry.backends.add(str(pod.owner.metadata?.name) ?? '?')
          opened.set(key, entry)
        }
      }
    }
  }
  for (const { policy, message, backends } of opened.values()) {
    problems.push(
      problem(
        policy,
        'backend-ingress',
        `${message}: it reaches the traffic port of ${[...backends].join(', ')} without the gateway`,
      ),
    )
  }
  return problems
}

/** A named container port (name and number) of a pod; undefined when it has none of that name. */
function namedPort(pod: PodTemplate, name: string): { name: string; port: unknown } | undefined {
  for (const container of pod.containers) {
    const port = list(container.ports).find((p) => p.name === name)
    if (port) return { name, port: port.containerPort }
  }
  return undefined
}

/** The traffic container port (name and number) of a pod; undefined when it serves no traffic port. */
function trafficPort(pod: PodTemplate): { name: string; port: unknown } | undefined {
  return namedPort(pod, PORT_NAMES.traffic)
}

function admitsPort(rule: Dict, traffic: { name: string; port: unknown }): boolean {
  const ports = list(rule.ports)
  if (!Array.isArray(rule.ports) || ports.length === 0) return true // no ports: every port
  return ports.some((p) => {
    if (p.port === undefined) return true
    if (p.port === traffic.name || p.port === traffic.port) return true
    const [from, to] = [p.port, p.endPort]
    return typeof from === 'number' && typeof to === 'number' && typeof traffic.port === 'number'
      ? from <= traffic.port && traffic.port <= to
      : false
  })
}

function peerProblems(
  rule: Dict,
  backend: PodTemplate,
  pods: PodTemplate[],
  gateways: PodTemplate[],
  routed: Set<PodTemplate>,
): string[] {
  const peers = list(rule.from)
  if (!Array.isArray(rule.from) || peers.length === 0) return ['admits every source']
  const problems: string[] = []
  for (const peer of peers) {
    if (peer.ipBlock !== undefined) {
      problems.push(`admits IP block ${dict(peer.ipBlock).cidr}`)
    } else if (peer.namespaceSelector !== undefined) {
      const traefik =
        dict(dict(peer.namespaceSelector).matchLabels)['kubernetes.io/metadata.name'] === TRAEFIK.namespace &&
        dict(dict(peer.podSelector).matchLabels)['app.kubernetes.io/name'] === TRAEFIK.name
      if (!traefik) problems.push(`admits pods of other namespaces (${JSON.stringify(peer)})`)
      else if (!routed.has(backend))
        problems.push('admits Traefik, though no IngressRoute, TraefikService or HTTPRoute here routes to it')
    } else {
      const selector = peer.podSelector
      const namespace = backend.owner.metadata?.namespace
      const chosen = pods.filter(
        (pod) => pod.owner.metadata?.namespace === namespace && selects(selector, pod.labels),
      )
      const others = chosen.filter((pod) => !gateways.includes(pod))
      if (isEmptySelector(selector)) problems.push('admits every pod of the namespace')
      else if (others.length > 0)
        problems.push(`admits ${others.map((pod) => id(pod.owner)).join(', ')}, not only the gateway`)
      else if (chosen.length === 0)
        problems.push(
          `admits pods labelled ${JSON.stringify(dict(selector).matchLabels ?? selector)}, not the gateway's`,
        )
    }
  }
  return problems
}

/** Pod templates behind a Service that a Traefik or Gateway API route of the render sends to. */
function edgeRouted(objects: K8sObject[], pods: PodTemplate[]): Set<PodTemplate> {
  const names: unknown[] = []
  const services = (refs: Dict[]) => {
    for (const ref of refs) if (ref.kind === undefined || ref.kind === 'Service') names.push(ref.name)
  }
  for (const route of byKind(objects, 'IngressRoute'))
    for (const rule of list(dict(route.spec).routes)) services(list(rule.services))
  for (const ts of byKind(objects, 'TraefikService')) {
    const spec = dict(ts.spec)
    const mirroring = dict(spec.mirroring)
    services([...list(dict(spec.weighted).services), ...list(mirroring.mirrors)])
    if (spec.mirroring !== undefined) services([mirroring])
  }
  for (const route of byKind(objects, 'HTTPRoute')) {
    for (const rule of list(dict(route.spec).rules)) {
      const filters = [...list(rule.filters), ...list(rule.backendRefs).flatMap((ref) => list(ref.filters))]
      services([
        ...list(rule.backendRefs),
        ...filters.map((filter) => dict(dict(filter.requestMirror).backendRef)).filter((ref) => ref.name),
      ])
    }
  }
  const routed = new Set<PodTemplate>()
  for (const name of names) {
    const svc = find(objects, 'Service', str(name) ?? '')
    if (svc) for (const pod of selectedPods(svc, dict(svc.spec).selector, pods)) routed.add(pod)
  }
  return routed
}
