// Schema checks with the kubernetes-models classes (Kubernetes 1.36, Traefik 3.7, Gateway API 1.5,
// Prometheus Operator). Their validate() is AJV code compiled from the OpenAPI schemas, without
// `additionalProperties: false`, so it accepts unknown fields. To catch those (typos such as
// `imagePullPolcy` or `weigth`), the same validate() runs on a Proxy that records which keys the
// validator reads: a key of an object the validator inspected but never read is unknown to the schema.
// Objects the validator never looks into (free-form, x-kubernetes-preserve-unknown-fields) are left alone.
import { type Dict, isDict, type K8sObject, type Problem, problem } from './objects.ts'

/** API group -> the package holding its models. Groups not listed are Kubernetes' own. */
const PACKAGES: Record<string, string> = {
  'traefik.io': '@kubernetes-models/traefik',
  'gateway.networking.k8s.io': '@kubernetes-models/gateway-api',
  'monitoring.coreos.com': '@kubernetes-models/prometheus-operator',
}

interface ModelClass {
  apiVersion: string
  kind: string
  prototype: { validate(): void }
}

const models = new Map<string, Promise<ModelClass | undefined>>()

/** The model class for an apiVersion/kind, e.g. `kubernetes-models/apps/v1/Deployment`. */
export function modelFor(apiVersion: string, kind: string): Promise<ModelClass | undefined> {
  const key = `${apiVersion}/${kind}`
  let model = models.get(key)
  if (!model) {
    const group = apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : ''
    const pkg = PACKAGES[group] ?? 'kubernetes-models'
    model = import(`${pkg}/${apiVersion}/${kind}`).then(
      (mod: Record<string, ModelClass | undefined>) => {
        const cls = mod[kind]
        return cls?.apiVersion === apiVersion && cls.kind === kind ? cls : undefined
      },
      () => undefined,
    )
    models.set(key, model)
  }
  return model
}

export async function schemaProblems(objects: K8sObject[]): Promise<Problem[]> {
  const problems: Problem[] = []
  for (const obj of objects) {
    const model = obj.apiVersion && obj.kind ? await modelFor(obj.apiVersion, obj.kind) : undefined
    if (!model) {
      problems.push(
        problem(obj, 'schema-known-kind', `no model for apiVersion ${obj.apiVersion} kind ${obj.kind}`),
      )
      continue
    }
    const { errors, unknown } = validateTracked(model, obj)
    for (const message of errors) problems.push(problem(obj, 'schema-valid', message))
    for (const path of unknown) {
      problems.push(
        problem(obj, 'schema-unknown-field', `unknown field ${path} (not in the ${model.kind} schema)`),
      )
    }
  }
  return problems
}

interface Node {
  path: string
  value: Dict | unknown[]
  read: Set<string>
  touched: boolean
}

/** Runs the model's own validate() on a read-recording Proxy of the object. */
export function validateTracked(model: ModelClass, obj: K8sObject): { errors: string[]; unknown: string[] } {
  const nodes: Node[] = []
  const tracked = track(obj, '', nodes)
  const errors: string[] = []
  try {
    model.prototype.validate.call(tracked)
  } catch (err) {
    const details = (err as { errors?: Array<{ instancePath?: string; message?: string }> }).errors
    if (!details?.length) errors.push((err as Error).message)
    for (const e of details ?? []) errors.push(`${jsonPointerToPath(e.instancePath ?? '')} ${e.message}`)
  }
  const unknown: string[] = []
  for (const node of nodes) {
    if (Array.isArray(node.value) || !node.touched) continue
    for (const key of Object.keys(node.value)) {
      if (!node.read.has(key)) unknown.push(`${node.path}.${key}`.replace(/^\./, ''))
    }
  }
  return { errors: [...new Set(errors)], unknown }
}

function track(value: unknown, path: string, nodes: Node[]): unknown {
  if (!isDict(value) && !Array.isArray(value)) return value
  const node: Node = { path, value, read: new Set(), touched: false }
  nodes.push(node)
  const children = new Map<string, unknown>()
  const note = (key: string | symbol) => {
    if (typeof key === 'string') {
      node.touched = true
      node.read.add(key)
    }
  }
  return new Proxy(value, {
    get(target, key, receiver) {
      const child: unknown = Reflect.get(target, key, receiver)
      note(key)
      if (typeof key !== 'string' || !Object.hasOwn(target, key)) return child
      if (!children.has(key)) {
        const childPath = Array.isArray(target) ? `${path}[${key}]` : `${path}.${key}`
        children.set(key, track(child, childPath, nodes))
      }
      return children.get(key)
    },
    has(target, key) {
      note(key)
      return Reflect.has(target, key)
    },
  })
}

function jsonPointerToPath(pointer: string): string {
  if (pointer === '') return '(object)'
  return pointer
    .split('/')
    .slice(1)
    .map((part) => part.replaceAll('~1', '/').replaceAll('~0', '~'))
    .map((part) => (/^\d+$/.test(part) ? `[${part}]` : `.${part}`))
    .join('')
    .replace(/^\./, '')
}
