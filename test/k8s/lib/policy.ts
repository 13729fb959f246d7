// Per-workload policy: the restricted Pod Security Standard and pod hygiene (kube-linter, kube-score and
// Polaris defaults). Rollout and disruption rules are in availability.ts, the drain budget in drain.ts.
import { availabilityProblems } from './availability.ts'
import { drainProblems } from './drain.ts'
import {
  type Dict,
  dict,
  type K8sObject,
  list,
  num,
  type PodTemplate,
  type Problem,
  podTemplates,
  problem,
  str,
} from './objects.ts'

/** Volume types the restricted Pod Security Standard allows. */
const RESTRICTED_VOLUMES = new Set([
  'configMap',
  'csi',
  'downwardAPI',
  'emptyDir',
  'ephemeral',
  'persistentVolumeClaim',
  'projected',
  'secret',
])

export function policyProblems(objects: K8sObject[]): Problem[] {
  const problems: Problem[] = []
  for (const pod of podTemplates(objects)) problems.push(...podSecurity(pod), ...hygiene(objects, pod))
  return [...problems, ...availabilityProblems(objects), ...drainProblems(objects)]
}

function allContainers(pod: PodTemplate): Dict[] {
  return [...pod.containers, ...list(pod.spec.initContainers)]
}

function podSecurity(pod: PodTemplate): Problem[] {
  const { owner, spec } = pod
  const problems: Problem[] = []
  const podSc = dict(spec.securityContext)
  for (const field of ['hostNetwork', 'hostPID', 'hostIPC']) {
    if (spec[field] === true) problems.push(problem(owner, 'pss-host-access', `${field}: true`))
  }
  for (const volume of list(spec.volumes)) {
    for (const type of Object.keys(volume).filter((key) => key !== 'name')) {
      if (!RESTRICTED_VOLUMES.has(type)) {
        problems.push(problem(owner, 'pss-volume-types', `volume ${volume.name} is of type ${type}`))
      }
    }
  }
  if (num(podSc.runAsUser) === 0)
    problems.push(problem(owner, 'pss-run-as-non-root', 'pod runAsUser: 0 (root)'))
  for (const container of allContainers(pod)) {
    const where = `container ${str(container.name)}`
    const sc = dict(container.securityContext)
    if (sc.privileged === true) problems.push(problem(owner, 'pss-host-access', `${where}: privileged`))
    for (const port of list(container.ports)) {
      if (num(port.hostPort))
        problems.push(problem(owner, 'pss-host-access', `${where}: hostPort ${port.hostPort}`))
    }
    if ((sc.runAsNonRoot ?? podSc.runAsNonRoot) !== true) {
      problems.push(problem(owner, 'pss-run-as-non-root', `${where}: runAsNonRoot is not true`))
    }
    if (num(sc.runAsUser) === 0)
      problems.push(problem(owner, 'pss-run-as-non-root', `${where}: runAsUser: 0 (root)`))
    if (sc.allowPrivilegeEscalation !== false) {
      problems.push(
        problem(owner, 'pss-privilege-escalation', `${where}: allowPrivilegeEscalation is not false`),
      )
    }
    const caps = dict(sc.capabilities)
    if (!(Array.isArray(caps.drop) && caps.drop.includes('ALL'))) {
      problems.push(problem(owner, 'pss-capabilities', `${where}: capabilities.drop does not include ALL`))
    }
    const added = (Array.isArray(caps.add) ? caps.add : []).filter((cap) => cap !== 'NET_BIND_SERVICE')
    if (added.length > 0)
      problems.push(problem(owner, 'pss-capabilities', `${where}: adds ${added.join(', ')}`))
    const seccomp = str(dict(sc.seccompProfile).type) ?? str(dict(podSc.seccompProfile).type)
    if (seccomp !== 'RuntimeDefault' && seccomp !== 'Localhost') {
      problems.push(problem(owner, 'pss-seccomp', `${where}: seccompProfile is ${seccomp ?? 'unset'}`))
    }
    if (sc.readOnlyRootFilesystem !== true) {
      problems.push(problem(owner, 'read-only-root-fs', `${where}: readOnlyRootFilesystem is not true`))
    }
  }
  return problems
}

function hygiene(objects: K8sObject[], pod: PodTemplate): Problem[] {
  const { owner, spec } = pod
  const problems: Problem[] = []
  const account = objects.find(
    (obj) =>
      obj.kind === 'ServiceAccount' && obj.metadata?.name === (str(spec.serviceAccountName) ?? 'default'),
  ) as Dict | undefined
  if ((spec.automountServiceAccountToken ?? account?.automountServiceAccountToken) !== false) {
    problems.push(problem(owner, 'service-account-token', 'automountServiceAccountToken is not false'))
  }
  for (const container of pod.containers) {
    const where = `container ${str(container.name)}`
    const resources = dict(container.resources)
    const requests = dict(resources.requests)
    const limits = dict(resources.limits)
    const missing = [
      requests.cpu === undefined && 'requests.cpu',
      requests.memory === undefined && 'requests.memory',
      limits.memory === undefined && 'limits.memory',
    ].filter(Boolean)
    if (missing.length > 0) problems.push(problem(owner, 'resources', `${where}: no ${missing.join(', ')}`))
    const [request, limit] = [bytes(requests.memory), bytes(limits.memory)]
    if (request !== undefined && limit !== undefined && limit < request) {
      problems.push(
        problem(
          owner,
          'resources',
          `${where}: limits.memory ${limits.memory} < requests.memory ${requests.memory}`,
        ),
      )
    }
    const image = str(container.image) ?? ''
    const tag = imageTag(image)
    if (tag === undefined || tag === 'latest') {
      problems.push(
        problem(
          owner,
          'image-tag',
          `${where}: image ${image || '(none)'} has ${tag ? 'tag latest' : 'no tag or digest'}`,
        ),
      )
    }
    for (const probe of ['livenessProbe', 'readinessProbe']) {
      if (!container[probe]) problems.push(problem(owner, 'probes', `${where}: no ${probe}`))
    }
  }
  return problems
}

/** The tag of an image reference; a digest counts as one. */
function imageTag(image: string): string | undefined {
  if (image.includes('@')) return image.slice(image.indexOf('@') + 1)
  const lastPart = image.slice(image.lastIndexOf('/') + 1)
  return lastPart.includes(':') ? lastPart.slice(lastPart.indexOf(':') + 1) : undefined
}

const UNITS: Record<string, number> = {
  '': 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
}

function bytes(quantity: unknown): number | undefined {
  if (typeof quantity === 'number') return quantity
  const match = typeof quantity === 'string' ? /^(\d+(?:\.\d+)?)([kMGT]i?|)$/.exec(quantity) : null
  const unit = match ? UNITS[match[2]!] : undefined
  return match && unit !== undefined ? Number(match[1]) * unit : undefined
}
