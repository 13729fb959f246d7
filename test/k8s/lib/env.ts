// The environment a container would boot with: envFrom ConfigMaps, literal values, ConfigMap keys and the
// downward API resolved against the render, then run through the service's own loadConfig().
import { loadConfig } from '@zdd/lifecycle'
import {
  type Dict,
  dict,
  find,
  type K8sObject,
  list,
  type PodTemplate,
  type Problem,
  problem,
  str,
} from './objects.ts'
import { CONFIG_CHECKS, type EnvSchema, SERVICE_SCHEMAS } from './services.ts'

/** Where an env var's value comes from: a Secret is the only place a credential may be. */
export type EnvSource = 'literal' | 'configMap' | 'secret' | 'fieldRef' | 'other'

export interface ContainerConfig {
  /** The service (the container's name, as in base/<service>) and its schema, when the tests know it. */
  service: string | undefined
  schema: EnvSchema | undefined
  /** Every env var name the container gets, with the value when it can be known offline. */
  env: Map<string, string | undefined>
  /** Where each of those names gets its value (the last definition wins, as in the kubelet). */
  sources: Map<string, EnvSource>
  /** env-source problems: references that do not resolve. */
  problems: Problem[]
  /** loadConfig()'s result (defaults applied, types converted), or its error message. */
  config?: Readonly<Record<string, unknown>>
  configError?: string
}

export function containerConfig(objects: K8sObject[], pod: PodTemplate, container: Dict): ContainerConfig {
  const owner = pod.owner
  const service = str(container.name)
  const schema = service === undefined ? undefined : SERVICE_SCHEMAS[service]
  const env = new Map<string, string | undefined>()
  const sources = new Map<string, EnvSource>()
  const problems: Problem[] = []
  const where = `container ${str(container.name)}`

  for (const source of list(container.envFrom)) {
    const prefix = str(source.prefix) ?? ''
    const ref = dict(source.configMapRef)
    if (source.secretRef) {
      problems.push(
        problem(
          owner,
          'env-source',
          `${where}: envFrom secretRef cannot be checked offline; list keys in env`,
        ),
      )
      continue
    }
    const name = str(ref.name) ?? ''
    const configMap = find(objects, 'ConfigMap', name)
    if (!configMap) {
      if (ref.optional !== true)
        problems.push(problem(owner, 'env-source', `${where}: envFrom ConfigMap ${name} not found`))
      continue
    }
    for (const [key, value] of Object.entries(dict(configMap.data))) {
      env.set(prefix + key, str(value))
      sources.set(prefix + key, 'configMap')
    }
  }

  for (const item of list(container.env)) {
    const name = str(item.name) ?? ''
    if ('value' in item) {
      env.set(name, str(item.value) ?? '')
      sources.set(name, 'literal')
      continue
    }
    const from = dict(item.valueFrom)
    sources.set(name, sourceOf(from))
    if (from.fieldRef) {
      const resolved = downwardApi(str(dict(from.fieldRef).fieldPath) ?? '', pod)
      if (resolved.error)
        problems.push(problem(owner, 'env-source', `${where}: env ${name}: ${resolved.error}`))
      env.set(name, resolved.value)
    } else if (from.configMapKeyRef) {
      const ref = dict(from.configMapKeyRef)
      const configMap = find(objects, 'ConfigMap', str(ref.name) ?? '')
      const value = str(dict(configMap?.data)[str(ref.key) ?? ''])
      if (value === undefined && ref.optional !== true) {
        problems.push(
          problem(
            owner,
            'env-source',
            `${where}: env ${name}: ConfigMap ${ref.name} key ${ref.key} not found`,
          ),
        )
      }
      env.set(name, value)
    } else {
      env.set(name, undefined) // secretKeyRef, resourceFieldRef: present, value unknown offline
    }
  }

  const result: ContainerConfig = { service, schema, env, sources, problems }
  if (schema) {
    const known: Record<string, string> = {}
    for (const [key, value] of env) if (value !== undefined) known[key] = value
    try {
      const config = loadConfig(schema, known) as Record<string, unknown>
      CONFIG_CHECKS[service ?? '']?.(config as never)
      result.config = config
    } catch (err) {
      result.configError = (err as Error).message
    }
  }
  return result
}

function sourceOf(from: Dict): EnvSource {
  if (from.fieldRef) return 'fieldRef'
  if (from.configMapKeyRef) return 'configMap'
  if (from.secretKeyRef) return 'secret'
  return 'other'
}

function downwardApi(fieldPath: string, pod: PodTemplate): { value?: string; error?: string } {
  const labelOrAnnotation = /^metadata\.(labels|annotations)\['([^']+)'\]$/.exec(fieldPath)
  if (labelOrAnnotation) {
    const [, map, key] = labelOrAnnotation
    const value = str((map === 'labels' ? pod.labels : pod.annotations)[key!])
    return value === undefined
      ? { error: `downward API ${fieldPath}: the pod template has no such ${map?.slice(0, -1)}` }
      : { value }
  }
  switch (fieldPath) {
    case 'metadata.name':
      // What a ReplicaSet-made pod name looks like: <deployment>-<template hash>-<random>.
      return { value: `${pod.owner.metadata?.name}-5d8f9c7b6-x2v4q` }
    case 'metadata.namespace':
      return { value: pod.owner.metadata?.namespace }
    case 'metadata.uid':
    case 'spec.nodeName':
    case 'spec.serviceAccountName':
    case 'status.hostIP':
    case 'status.hostIPs':
    case 'status.podIP':
    case 'status.podIPs':
      return { value: undefined }
    default:
      return { error: `downward API field ${fieldPath} is not supported in env` }
  }
}
