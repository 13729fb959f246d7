// Availability through rollouts and node drains: surge-only rolling updates,
// PodDisruptionBudgets that cover multi-replica workloads and still let drains proceed, spread over nodes.
import {
  byKind,
  dict,
  type K8sObject,
  list,
  type PodTemplate,
  type Problem,
  podTemplates,
  problem,
  scaled,
  selects,
  str,
} from './objects.ts'

export const WAIVE_ROLLING_UPDATE = 'zdd.dev/waive-rolling-update'

export function availabilityProblems(objects: K8sObject[]): Problem[] {
  const pods = podTemplates(objects)
  return [
    ...pods.flatMap((pod) => [...rollout(pod), ...disruption(objects, pod)]),
    ...byKind(objects, 'PodDisruptionBudget').flatMap((pdb) => pdbBudget(pdb, pods)),
  ]
}

function rollout(pod: PodTemplate): Problem[] {
  const { owner } = pod
  if (owner.kind !== 'Deployment') return []
  const strategy = dict(dict(owner.spec).strategy)
  const waiver = str(dict(owner.metadata?.annotations)[WAIVE_ROLLING_UPDATE])
  if (strategy.type === 'Recreate') {
    const problems: Problem[] = []
    if (strategy.rollingUpdate !== undefined) {
      problems.push(
        problem(
          owner,
          'rolling-update',
          'strategy Recreate with rollingUpdate parameters: the API server rejects it',
        ),
      )
    }
    if (!waiver) {
      problems.push(
        problem(
          owner,
          'rolling-update',
          `strategy Recreate stops every pod before starting new ones; use RollingUpdate or annotate ${WAIVE_ROLLING_UPDATE}: <reason>`,
        ),
      )
    }
    return problems
  }
  const params = dict(strategy.rollingUpdate)
  const maxUnavailable = params.maxUnavailable ?? '25%'
  const maxSurge = scaled(params.maxSurge ?? '25%', pod.replicas, true)
  const problems: Problem[] = []
  if (maxUnavailable !== 0 && maxUnavailable !== '0%' && !waiver) {
    problems.push(
      problem(
        owner,
        'rolling-update',
        `rollingUpdate.maxUnavailable is ${JSON.stringify(maxUnavailable)}, not 0: a rollout would stop old pods before new ones are ready`,
      ),
    )
  }
  if (!(maxSurge !== undefined && maxSurge >= 1) && !waiver) {
    problems.push(
      problem(
        owner,
        'rolling-update',
        `rollingUpdate.maxSurge ${JSON.stringify(params.maxSurge)} allows no extra pod`,
      ),
    )
  }
  return problems
}

function disruption(objects: K8sObject[], pod: PodTemplate): Problem[] {
  const { owner, labels, spec } = pod
  const problems: Problem[] = []
  const namespace = owner.metadata?.namespace
  const pdbs = byKind(objects, 'PodDisruptionBudget').filter(
    (pdb) => pdb.metadata?.namespace === namespace && selects(dict(pdb.spec).selector, labels),
  )
  if (pdbs.length > 1) {
    const names = pdbs.map((pdb) => pdb.metadata?.name).join(', ')
    problems.push(
      problem(
        owner,
        'pdb-overlap',
        `pods covered by several PodDisruptionBudgets (${names}): evictions fail`,
      ),
    )
  }
  if (pod.replicas < 2) return problems
  if (pdbs.length === 0) {
    problems.push(
      problem(
        owner,
        'pdb-covers-replicas',
        `${pod.replicas} replicas and no PodDisruptionBudget selects them`,
      ),
    )
  }
  const hostname = 'kubernetes.io/hostname'
  const affinity = dict(dict(spec.affinity).podAntiAffinity)
  const terms = [
    ...list(affinity.requiredDuringSchedulingIgnoredDuringExecution),
    ...list(affinity.preferredDuringSchedulingIgnoredDuringExecution).map((term) =>
      dict(term.podAffinityTerm),
    ),
  ]
  const spreads =
    terms.some((term) => term.topologyKey === hostname && selects(term.labelSelector, labels)) ||
    list(spec.topologySpreadConstraints).some(
      (constraint) => constraint.topologyKey === hostname && selects(constraint.labelSelector, labels),
    )
  if (!spreads) {
    problems.push(
      problem(
        owner,
        'spread',
        `${pod.replicas} replicas without hostname anti-affinity or topology spread over its own pods`,
      ),
    )
  }
  return problems
}

function pdbBudget(pdb: K8sObject, pods: PodTemplate[]): Problem[] {
  const spec = dict(pdb.spec)
  const covered = pods.filter(
    (pod) => pod.owner.metadata?.namespace === pdb.metadata?.namespace && selects(spec.selector, pod.labels),
  )
  if (covered.length === 0) return []
  const expected = covered.reduce((sum, pod) => sum + pod.replicas, 0)
  let allowed: number | undefined
  if (spec.maxUnavailable !== undefined) allowed = scaled(spec.maxUnavailable, expected)
  else if (spec.minAvailable !== undefined) {
    const min = scaled(spec.minAvailable, expected)
    allowed = min === undefined ? undefined : expected - min
  }
  if (allowed === undefined || allowed < 1) {
    const budget =
      spec.maxUnavailable !== undefined
        ? `maxUnavailable ${spec.maxUnavailable}`
        : `minAvailable ${spec.minAvailable}`
    return [
      problem(
        pdb,
        'pdb-allows-disruption',
        `${budget} of ${expected} pods allows no disruption: node drains would hang`,
      ),
    ]
  }
  return []
}
