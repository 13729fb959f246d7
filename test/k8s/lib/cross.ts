// Cross-object checks: what kustomize renders without complaint but a cluster would get wrong. Routing
// references live in routes.ts, the checks against the service code in code.ts, the gateway's route table
// in gateway.ts, where flags come from in flags.ts, who reaches the backends in ingress.ts.
//
// Longer than the ~250 lines the style guide asks: the cross-object checks share one index of the rendered
// objects.
import { codeProblems } from './code.ts'
import { flagsProblems } from './flags.ts'
import { gatewayProblems } from './gateway.ts'
import { ingressProblems, managementProblems } from './ingress.ts'
import {
  byKind,
  COLOR_LABEL,
  dict,
  id,
  isDict,
  isEmptySelector,
  type K8sObject,
  list,
  type PodTemplate,
  type Problem,
  podTemplates,
  problem,
  selectedPods,
  selects,
  str,
  TRACK_LABEL,
} from './objects.ts'
import { routeProblems } from './routes.ts'
import { PORT_NAMES } from './services.ts'

const CLUSTER_SCOPED = new Set([
  'Namespace',
  'GatewayClass',
  'ClusterRole',
  'ClusterRoleBinding',
  'CustomResourceDefinition',
  'IngressClass',
  'PersistentVolume',
  'PriorityClass',
  'RuntimeClass',
  'StorageClass',
  'MutatingWebhookConfiguration',
  'ValidatingWebhookConfiguration',
])

export function crossProblems(objects: K8sObject[]): Problem[] {
  const pods = podTemplates(objects)
  return [
    ...namespaces(objects),
    ...objects.flatMap((obj) => selectorShape(obj)),
    ...workloadSelectors(pods),
    ...byKind(objects, 'Service').flatMap((svc) => service(svc, pods)),
    ...pods.flatMap((pod) => volumeMounts(pod)),
    ...byKind(objects, 'NetworkPolicy').flatMap((policy) => networkPolicy(policy, pods)),
    ...routeProblems(objects, pods),
    ...codeProblems(objects, pods),
    ...gatewayProblems(objects, pods),
    ...flagsProblems(objects, pods),
    ...ingressProblems(objects, pods),
    ...managementProblems(objects, pods),
  ]
}

function namespaces(objects: K8sObject[]): Problem[] {
  const declared = byKind(objects, 'Namespace').map((ns) => ns.metadata?.name)
  const used = objects.map((obj) => obj.metadata?.namespace).filter((ns) => ns !== undefined)
  const expected = declared.length === 1 ? declared[0] : mostCommon(used)
  const problems: Problem[] = []
  for (const obj of objects) {
    if (obj.kind === undefined || CLUSTER_SCOPED.has(obj.kind)) continue
    const ns = obj.metadata?.namespace
    if (ns === undefined) {
      problems.push(
        problem(obj, 'namespace', "no metadata.namespace: kubectl apply would use the context's namespace"),
      )
    } else if (ns !== expected) {
      problems.push(problem(obj, 'namespace', `namespace ${ns}, the rest of the render uses ${expected}`))
    }
  }
  return problems
}

function mostCommon(values: string[]): string | undefined {
  const counts = new Map<string, number>()
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1)
  return [...counts].sort((a, b) => b[1] - a[1])[0]?.[0]
}

const STRING_MAPS = new Set(['labels', 'annotations', 'matchLabels'])

function selectorShape(obj: K8sObject): Problem[] {
  const problems: Problem[] = []
  const walk = (value: unknown, path: string) => {
    if (Array.isArray(value)) for (const [i, item] of value.entries()) walk(item, `${path}[${i}]`)
    if (!isDict(value)) return
    for (const [key, child] of Object.entries(value)) {
      const childPath = path ? `${path}.${key}` : key
      const isStringMap = STRING_MAPS.has(key) || (obj.kind === 'Service' && childPath === 'spec.selector')
      if (isStringMap && isDict(child)) {
        for (const [label, labelValue] of Object.entries(child)) {
          if (typeof labelValue !== 'string') {
            problems.push(
              problem(
                obj,
                'selector-shape',
                `${childPath}.${label} is ${isDict(labelValue) ? 'a nested map' : typeof labelValue}, not a string (a replacements fieldPath without [brackets] around a dotted key builds a nested map)`,
              ),
            )
          }
        }
      } else walk(child, childPath)
    }
  }
  walk(obj, '')
  return problems
}

function workloadSelectors(pods: PodTemplate[]): Problem[] {
  const problems: Problem[] = []
  for (const [i, pod] of pods.entries()) {
    if (isEmptySelector(pod.selector) || !selects(pod.selector, pod.labels)) {
      problems.push(
        problem(
          pod.owner,
          'workload-selector-matches-template',
          'spec.selector does not match the pod template labels',
        ),
      )
    }
    for (const other of pods.slice(0, i)) {
      if (pod.owner.metadata?.namespace !== other.owner.metadata?.namespace) continue
      if (selects(pod.selector, other.labels) || selects(other.selector, pod.labels)) {
        problems.push(
          problem(
            pod.owner,
            'workload-selectors-overlap',
            `selector overlaps ${id(other.owner)}'s pods: the two controllers would adopt and scale away each other's pods`,
          ),
        )
      }
    }
  }
  return problems
}

function service(svc: K8sObject, pods: PodTemplate[]): Problem[] {
  const spec = dict(svc.spec)
  if (spec.type === 'ExternalName' || spec.selector === undefined) return []
  const selected = selectedPods(svc, spec.selector, pods)
  if (selected.length === 0) {
    return [
      problem(
        svc,
        'service-selects-pods',
        `selector ${JSON.stringify(spec.selector)} matches no pod template`,
      ),
    ]
  }
  return [...servicePorts(svc, selected), ...serviceVariants(svc, selected)]
}

function servicePorts(svc: K8sObject, selected: PodTemplate[]): Problem[] {
  const spec = dict(svc.spec)
  const problems: Problem[] = []
  for (const port of list(spec.ports)) {
    const target = port.targetPort ?? port.port
    for (const pod of selected) {
      const named =
        typeof target === 'string' &&
        !pod.containers.some((c) => list(c.ports).some((p) => p.name === target))
      if (named) {
        problems.push(
          problem(
            svc,
            'service-target-port',
            `targetPort ${target} is not a container port of ${id(pod.owner)}`,
          ),
        )
      }
      const management = pod.containers
        .flatMap((c) => list(c.ports))
        .find((p) => p.name === PORT_NAMES.management)
      const exposesManagement =
        target === PORT_NAMES.management || (management && target === management.containerPort)
      if (exposesManagement && spec.clusterIP !== 'None') {
        problems.push(
          problem(
            svc,
            'service-no-management-port',
            `port ${port.name ?? port.port} routes to the management port of ${id(pod.owner)}; only a headless metrics Service may`,
          ),
        )
      }
    }
  }
  return problems
}

/** Blue-green colours and canary/shadow tracks behind one Service. */
function serviceVariants(svc: K8sObject, selected: PodTemplate[]): Problem[] {
  const problems: Problem[] = []
  const colours = new Set(selected.map((pod) => str(pod.labels[COLOR_LABEL]) ?? '(no colour)'))
  if (colours.size > 1 && selected.some((pod) => pod.labels[COLOR_LABEL] !== undefined)) {
    problems.push(
      problem(
        svc,
        'one-colour-per-service',
        `selects pods of ${[...colours].join(' and ')}: a blue-green Service must select exactly one colour (add ${COLOR_LABEL} to its selector)`,
      ),
    )
  }
  const tracks = selected.map((pod) => str(pod.labels[TRACK_LABEL]))
  if (tracks.includes('shadow') && tracks.some((track) => track !== 'shadow')) {
    problems.push(
      problem(
        svc,
        'shadow-isolated',
        'selects shadow pods together with serving pods: real clients would get shadow answers',
      ),
    )
  }
  const replicasOf = (track: string) =>
    selected.filter((pod) => pod.labels[TRACK_LABEL] === track).reduce((sum, pod) => sum + pod.replicas, 0)
  const [stable, canary] = [replicasOf('stable'), replicasOf('canary')]
  if (tracks.includes('stable') && tracks.includes('canary') && !(canary >= 1 && canary < stable)) {
    problems.push(
      problem(
        svc,
        'canary-ratio',
        `stable:canary replicas are ${stable}:${canary}; a replica canary needs at least one canary pod and fewer than stable`,
      ),
    )
  }
  return problems
}

function volumeMounts(pod: PodTemplate): Problem[] {
  const volumes = new Set(list(pod.spec.volumes).map((volume) => str(volume.name)))
  const mounted = new Set<string | undefined>()
  const problems: Problem[] = []
  for (const container of [...pod.containers, ...list(pod.spec.initContainers)]) {
    for (const mount of list(container.volumeMounts)) {
      mounted.add(str(mount.name))
      if (!volumes.has(str(mount.name))) {
        problems.push(
          problem(
            pod.owner,
            'volume-mounts',
            `container ${container.name} mounts ${mount.name}, which is not a pod volume`,
          ),
        )
      }
    }
  }
  for (const volume of volumes) {
    if (!mounted.has(volume))
      problems.push(problem(pod.owner, 'volume-mounts', `volume ${volume} is mounted by no container`))
  }
  return problems
}

function networkPolicy(policy: K8sObject, pods: PodTemplate[]): Problem[] {
  const spec = dict(policy.spec)
  const podSelector = dict(spec.podSelector)
  const selected = pods.filter(
    (pod) => pod.owner.metadata?.namespace === policy.metadata?.namespace && selects(podSelector, pod.labels),
  )
  if (selected.length === 0)
    return [problem(policy, 'network-policy-ports', 'podSelector matches no pod template')]
  const problems: Problem[] = []
  for (const rule of [...list(spec.ingress), ...list(spec.egress)]) {
    for (const port of list(rule.ports)) {
      if (typeof port.port !== 'string') continue
      const exists = selected.some((pod) =>
        pod.containers.some((c) => list(c.ports).some((p) => p.name === port.port)),
      )
      if (!exists)
        problems.push(
          problem(
            policy,
            'network-policy-ports',
            `port ${port.port} is not a container port of any selected pod`,
          ),
        )
    }
  }
  return problems
}
