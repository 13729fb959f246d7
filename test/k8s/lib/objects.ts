// The loose shapes the checks read, and the helpers they share. Rendered objects may be invalid (that is
// what the negative fixtures are), so every reader here is defensive about types.
import type { RuleId } from './rules.ts'

export type Dict = Record<string, unknown>

export interface K8sObject {
  apiVersion?: string
  kind?: string
  metadata?: { name?: string; namespace?: string; labels?: Dict; annotations?: Dict }
  spec?: Dict
  data?: Dict
}

export interface Problem {
  object: string
  rule: RuleId
  message: string
}

/** `Kind/name`, how every problem names its object. */
export function id(obj: K8sObject): string {
  return `${obj.kind ?? '<no kind>'}/${obj.metadata?.name ?? '<no name>'}`
}

export function problem(obj: K8sObject | string, rule: RuleId, message: string): Problem {
  return { object: typeof obj === 'string' ? obj : id(obj), rule, message }
}

export function formatProblem(p: Problem): string {
  return `${p.object}: ${p.message} [${p.rule}]`
}

export function isDict(value: unknown): value is Dict {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

export function dict(value: unknown): Dict {
  return isDict(value) ? value : {}
}

export function list(value: unknown): Dict[] {
  return Array.isArray(value) ? value.filter(isDict) : []
}

export function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined
}

export function num(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined
}

export function byKind(objects: K8sObject[], kind: string): K8sObject[] {
  return objects.filter((obj) => obj.kind === kind)
}

export function find(objects: K8sObject[], kind: string, name: string): K8sObject | undefined {
  return objects.find((obj) => obj.kind === kind && obj.metadata?.name === name)
}

/** Whether a LabelSelector (matchLabels/matchExpressions) or a plain Service selector map matches. */
export function selects(selector: unknown, labels: Dict): boolean {
  const sel = dict(selector)
  const isLabelSelector = 'matchLabels' in sel || 'matchExpressions' in sel
  const matchLabels = isLabelSelector ? dict(sel.matchLabels) : sel
  for (const [key, value] of Object.entries(matchLabels)) if (labels[key] !== value) return false
  if (!isLabelSelector) return true
  for (const expr of list(sel.matchExpressions)) {
    const key = str(expr.key) ?? ''
    const values = Array.isArray(expr.values) ? expr.values : []
    const has = key in labels
    switch (expr.operator) {
      case 'In':
        if (!has || !values.includes(labels[key])) return false
        break
      case 'NotIn':
        if (has && values.includes(labels[key])) return false
        break
      case 'Exists':
        if (!has) return false
        break
      case 'DoesNotExist':
        if (has) return false
        break
      default:
        return false
    }
  }
  return true
}

/** A selector that selects nothing is a mistake; an empty one selects everything. */
export function isEmptySelector(selector: unknown): boolean {
  const sel = dict(selector)
  return Object.keys(dict(sel.matchLabels ?? sel)).length === 0 && list(sel.matchExpressions).length === 0
}

/** The blue-green colour label and the canary/shadow track label the variant overlays add. */
export const COLOR_LABEL = 'zdd.dev/color'
export const TRACK_LABEL = 'zdd.dev/track'

export interface PodTemplate {
  /** The workload (Deployment, StatefulSet, ...) owning the template. */
  owner: K8sObject
  labels: Dict
  annotations: Dict
  spec: Dict
  containers: Dict[]
  replicas: number
  selector: unknown
}

const WORKLOAD_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet'])

/** Every pod template in the render, with the workload that owns it. */
export function podTemplates(objects: K8sObject[]): PodTemplate[] {
  return objects
    .filter((obj) => obj.kind !== undefined && WORKLOAD_KINDS.has(obj.kind))
    .map((owner) => {
      const spec = dict(owner.spec)
      const template = dict(spec.template)
      const podSpec = dict(template.spec)
      return {
        owner,
        labels: dict(dict(template.metadata).labels),
        annotations: dict(dict(template.metadata).annotations),
        spec: podSpec,
        containers: list(podSpec.containers),
        // DaemonSets have no replica count: one per node, at least two in any real cluster.
        replicas: owner.kind === 'DaemonSet' ? 2 : (num(spec.replicas) ?? 1),
        selector: spec.selector,
      }
    })
}

/** The container port a probe or Service names, as a number (numbers pass through). */
export function resolvePort(port: unknown, containers: Dict[]): number | undefined {
  if (typeof port === 'number') return port
  for (const container of containers) {
    for (const p of list(container.ports)) if (p.name === port) return num(p.containerPort)
  }
  return undefined
}

/**
 * An int-or-percent against a total. The controllers round up (PDB budgets, maxSurge) or down (a
 * Deployment's maxUnavailable).
 */
export function scaled(value: unknown, total: number, roundUp = true): number | undefined {
  if (typeof value === 'number') return value
  const match = typeof value === 'string' ? /^(\d+)%$/.exec(value) : null
  if (!match) return undefined
  const exact = (Number(match[1]) / 100) * total
  return roundUp ? Math.ceil(exact) : Math.floor(exact)
}

/** Pod templates a Service-style selector (a plain map) picks, in the object's namespace. */
export function selectedPods(obj: K8sObject, selector: unknown, pods: PodTemplate[]): PodTemplate[] {
  if (!isDict(selector) || Object.keys(selector).length === 0) return []
  return pods.filter(
    (pod) =>
      pod.owner.metadata?.namespace === obj.metadata?.namespace &&
      Object.entries(selector).every(([key, value]) => pod.labels[key] === value),
  )
}
