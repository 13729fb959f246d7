// Routing references: Traefik IngressRoute -> TraefikService -> Service, Gateway API HTTPRoute -> Gateway
// and Services, ServiceMonitor -> Service. A dangling name renders fine and routes nowhere (Traefik logs it,
// the HTTPRoute gets ResolvedRefs=False); a shadow Service behind a serving route answers real clients.
import {
  byKind,
  dict,
  find,
  type K8sObject,
  list,
  type PodTemplate,
  type Problem,
  problem,
  selectedPods,
  selects,
  str,
  TRACK_LABEL,
} from './objects.ts'
import { MANAGEMENT_ROUTES, PORT_NAMES } from './services.ts'

/** A split is written in percentages. */
const WEIGHT_TOTAL = 100

type Role = 'serving' | 'mirror'

export function routeProblems(objects: K8sObject[], pods: PodTemplate[]): Problem[] {
  return [
    ...byKind(objects, 'IngressRoute').flatMap((route) => ingressRoute(objects, pods, route)),
    ...byKind(objects, 'TraefikService').flatMap((ts) => traefikService(objects, pods, ts)),
    ...byKind(objects, 'HTTPRoute').flatMap((route) => httpRoute(objects, pods, route)),
    ...byKind(objects, 'ServiceMonitor').flatMap((monitor) => serviceMonitor(objects, monitor)),
  ]
}

/** The Service a route names, with the port it names; problems under `rule` when either is missing. */
function serviceRef(
  objects: K8sObject[],
  pods: PodTemplate[],
  from: K8sObject,
  ref: { name: unknown; port: unknown; role: Role; where: string },
  rule: 'traefik-ref' | 'gateway-ref',
): Problem[] {
  const svc = find(objects, 'Service', str(ref.name) ?? '')
  if (!svc) return [problem(from, rule, `${ref.where}: Service ${ref.name} not found`)]
  const ports = list(dict(svc.spec).ports)
  const problems: Problem[] = []
  if (ref.port === undefined) {
    if (ports.length !== 1)
      problems.push(
        problem(from, rule, `${ref.where}: no port for Service ${ref.name}, which has ${ports.length}`),
      )
  } else if (!ports.some((p) => p.port === ref.port || p.name === ref.port)) {
    problems.push(problem(from, rule, `${ref.where}: Service ${ref.name} has no port ${ref.port}`))
  }
  const shadow = selectedPods(svc, dict(svc.spec).selector, pods).some(
    (pod) => pod.labels[TRACK_LABEL] === 'shadow',
  )
  if (shadow && ref.role === 'serving') {
    problems.push(
      problem(
        from,
        'shadow-isolated',
        `${ref.where}: serves clients from Service ${ref.name}, which selects shadow pods; mirror to it instead`,
      ),
    )
  }
  return problems
}

function traefikRef(
  objects: K8sObject[],
  pods: PodTemplate[],
  from: K8sObject,
  ref: Record<string, unknown>,
  role: Role,
  where: string,
): Problem[] {
  const name = str(ref.name) ?? ''
  if (name.includes('@')) return [] // provider-qualified (api@internal, x@file): not a Kubernetes object
  if (ref.kind === 'TraefikService') {
    return find(objects, 'TraefikService', name)
      ? []
      : [problem(from, 'traefik-ref', `${where}: TraefikService ${name} not found`)]
  }
  return serviceRef(objects, pods, from, { name, port: ref.port, role, where }, 'traefik-ref')
}

function ingressRoute(objects: K8sObject[], pods: PodTemplate[], route: K8sObject): Problem[] {
  const problems: Problem[] = []
  for (const [i, rule] of list(dict(route.spec).routes).entries()) {
    for (const ref of list(rule.services))
      problems.push(...traefikRef(objects, pods, route, ref, 'serving', `routes[${i}]`))
    for (const mw of list(rule.middlewares)) {
      if (!find(objects, 'Middleware', str(mw.name) ?? '') && !String(mw.name).includes('@')) {
        problems.push(problem(route, 'traefik-ref', `routes[${i}]: Middleware ${mw.name} not found`))
      }
    }
  }
  return problems
}

function traefikService(objects: K8sObject[], pods: PodTemplate[], ts: K8sObject): Problem[] {
  const spec = dict(ts.spec)
  const problems: Problem[] = []
  if (spec.weighted !== undefined) {
    const services = list(dict(spec.weighted).services)
    for (const ref of services) problems.push(...traefikRef(objects, pods, ts, ref, 'serving', 'weighted'))
    const weights = services.map((ref) => ref.weight)
    if (weights.some((w) => typeof w !== 'number') || sum(weights) !== WEIGHT_TOTAL) {
      problems.push(
        problem(
          ts,
          'traefik-weights',
          `weights ${JSON.stringify(weights)} must all be set and sum to ${WEIGHT_TOTAL}`,
        ),
      )
    }
  }
  if (spec.mirroring !== undefined) {
    const mirroring = dict(spec.mirroring)
    problems.push(...traefikRef(objects, pods, ts, mirroring, 'serving', 'mirroring'))
    for (const ref of list(mirroring.mirrors))
      problems.push(...traefikRef(objects, pods, ts, ref, 'mirror', 'mirroring.mirrors'))
  }
  return problems
}

function sum(values: unknown[]): number {
  return values.reduce<number>((total, value) => total + (typeof value === 'number' ? value : 0), 0)
}

function gatewayBackend(
  objects: K8sObject[],
  pods: PodTemplate[],
  route: K8sObject,
  ref: Record<string, unknown>,
  role: Role,
  where: string,
): Problem[] {
  if ((ref.group ?? '') !== '' || (ref.kind ?? 'Service') !== 'Service') return []
  if (ref.namespace !== undefined && ref.namespace !== route.metadata?.namespace) return [] // needs a ReferenceGrant; not rendered here
  if (ref.port === undefined)
    return [problem(route, 'gateway-ref', `${where}: backendRef to Service ${ref.name} needs a port`)]
  return serviceRef(objects, pods, route, { name: ref.name, port: ref.port, role, where }, 'gateway-ref')
}

function mirrors(filters: unknown): Record<string, unknown>[] {
  return list(filters)
    .filter((filter) => filter.type === 'RequestMirror')
    .map((filter) => dict(dict(filter.requestMirror).backendRef))
}

function httpRoute(objects: K8sObject[], pods: PodTemplate[], route: K8sObject): Problem[] {
  const spec = dict(route.spec)
  const problems: Problem[] = []
  for (const parent of list(spec.parentRefs)) {
    const external = (parent.namespace ?? route.metadata?.namespace) !== route.metadata?.namespace
    if ((parent.kind ?? 'Gateway') !== 'Gateway' || external) continue
    const gateway = find(objects, 'Gateway', str(parent.name) ?? '')
    if (!gateway) problems.push(problem(route, 'gateway-ref', `parentRefs: Gateway ${parent.name} not found`))
    const listeners = list(dict(gateway?.spec).listeners)
    if (
      gateway &&
      parent.sectionName !== undefined &&
      !listeners.some((l) => l.name === parent.sectionName)
    ) {
      problems.push(
        problem(
          route,
          'gateway-ref',
          `parentRefs: Gateway ${parent.name} has no listener ${parent.sectionName}`,
        ),
      )
    }
  }
  for (const [i, rule] of list(spec.rules).entries()) {
    const backends = list(rule.backendRefs)
    for (const ref of backends) {
      problems.push(...gatewayBackend(objects, pods, route, ref, 'serving', `rules[${i}].backendRefs`))
      for (const mirror of mirrors(ref.filters))
        problems.push(...gatewayBackend(objects, pods, route, mirror, 'mirror', `rules[${i}] mirror`))
    }
    for (const mirror of mirrors(rule.filters))
      problems.push(...gatewayBackend(objects, pods, route, mirror, 'mirror', `rules[${i}] mirror`))
    const weights = backends.map((ref) => ref.weight ?? 1)
    if (backends.length > 1 && sum(weights) !== WEIGHT_TOTAL) {
      problems.push(
        problem(
          route,
          'gateway-weights',
          `rules[${i}] weights ${JSON.stringify(weights)} sum to ${sum(weights)}, not ${WEIGHT_TOTAL}`,
        ),
      )
    }
  }
  return problems
}

function serviceMonitor(objects: K8sObject[], monitor: K8sObject): Problem[] {
  const spec = dict(monitor.spec)
  const nsSelector = dict(spec.namespaceSelector)
  // Without a namespaceSelector a ServiceMonitor looks in its own namespace only.
  const namespaces: unknown[] | undefined =
    nsSelector.any === true
      ? undefined
      : Array.isArray(nsSelector.matchNames)
        ? nsSelector.matchNames
        : [monitor.metadata?.namespace]
  const services = byKind(objects, 'Service').filter(
    (svc) =>
      (namespaces === undefined || namespaces.includes(svc.metadata?.namespace)) &&
      selects(spec.selector, svc.metadata?.labels ?? {}),
  )
  if (services.length === 0) return [problem(monitor, 'servicemonitor-ref', 'selector matches no Service')]
  const problems: Problem[] = []
  for (const endpoint of list(spec.endpoints)) {
    const path = str(endpoint.path) ?? '/metrics'
    if (!MANAGEMENT_ROUTES.has(path))
      problems.push(
        problem(
          monitor,
          'servicemonitor-ref',
          `endpoint path ${path} is not served by the management server`,
        ),
      )
    for (const svc of services) {
      const port = list(dict(svc.spec).ports).find((p) => p.name === endpoint.port)
      if (!port)
        problems.push(
          problem(
            monitor,
            'servicemonitor-ref',
            `Service ${svc.metadata?.name} has no port named ${endpoint.port}`,
          ),
        )
      else if ((port.targetPort ?? port.name) !== PORT_NAMES.management) {
        problems.push(
          problem(
            monitor,
            'servicemonitor-ref',
            `Service ${svc.metadata?.name} port ${endpoint.port} does not target the ${PORT_NAMES.management} container port`,
          ),
        )
      }
    }
  }
  return problems
}
