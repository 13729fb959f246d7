import { setTimeout as sleep } from 'node:timers/promises'
import type { Deployment } from '../model/deployment.ts'
import type { EvictionResult } from '../model/disruption.ts'
import { drainNode } from '../model/drain.ts'
import { matches } from '../model/endpoints.ts'
import type { Nodes } from '../model/nodes.ts'
import type { Pod } from '../model/pod.ts'
import type { Backend } from '../plans/backend.ts'
import type { Harness } from '../run/harness.ts'

/** How the model makes a Deployment a plan names before it exists (green, the canary). */
export interface ModelTemplates {
  /** `env` adds to the service's own environment (a demo knob that makes a bad build). */
  [deployment: string]: { version: string; labels?: Record<string, string>; env?: Record<string, string> }
}

export interface ModelNodes {
  nodes: Nodes
  /** The Eviction API: `remove` deletes the pod (its ReplicaSet replaces it) once the budget allows. */
  evict(pod: Pod, remove: (pod: Pod) => void): EvictionResult
  retryMs: number
}

/**
 * The model as a plan's backend: the harness's Deployments, EndpointsController and simulated nodes. A
 * Deployment a plan scales before it exists is created from `templates` at that size.
 */
export function modelBackend(h: Harness, templates: ModelTemplates = {}, cluster?: ModelNodes): Backend {
  const find = (name: string): Deployment | undefined => h.deployments.find((d) => d.spec.name === name)
  const get = (name: string): Deployment => {
    const d = find(name)
    if (!d) throw new Error(`the model has no Deployment ${name}`)
    return d
  }
  const template = (name: string, version?: string) => {
    const d = find(name)
    const known = templates[name]
    const labels = { ...(d?.template?.labels ?? {}), ...(known?.labels ?? {}) }
    const { app: _app, ...extra } = labels
    const service = h.options.service
    return h.template(
      version ?? d?.template?.version ?? known?.version ?? h.options.toVersion,
      extra,
      known?.env ? { ...service, env: { ...service.env, ...known.env } } : service,
    )
  }
  // The Service routes to exactly the selected live pods, and the removed ones have exited.
  const settle = async (d: Deployment) => {
    const leaving = d.pods.filter((pod) => pod.terminating)
    const selected = d.live.filter((pod) => matches(h.endpoints.selector, pod.labels))
    await h.waitForEndpointSet(selected, leaving)
    await d.settled()
  }
  return {
    kind: 'model',
    clock: h.clock,
    events: h.events,
    records: () => h.records,
    versionOfPod: (pod) => h.versionOfPod(pod),
    phase: (text) => {
      h.progress.phase = text
    },
    async roll(name, change) {
      const d = get(name)
      if (change.replicas !== undefined) d.spec.replicas = change.replicas
      await d.rollout(template(name, change.version))
      await settle(d)
    },
    async scale(name, replicas) {
      const existing = find(name)
      if (existing) await existing.scale(replicas)
      else await h.deployment(name, replicas).create(template(name))
      await settle(get(name))
    },
    async selectColour(service, colour, detail) {
      h.endpoints.setSelector({ app: service, color: colour }, detail)
    },
    async placement() {
      if (!cluster) throw new Error('this model run has no nodes')
      return cluster.nodes.layout()
    },
    async drain(node) {
      if (!cluster) throw new Error('this model run has no nodes')
      const owner = (pod: Pod) => h.deployments.find((d) => d.pods.includes(pod))
      const timeoutMs = Math.max(...h.deployments.map((d) => d.spec.progressDeadlineMs))
      const result = await drainNode(
        cluster.nodes,
        { node, retryMs: cluster.retryMs, timeoutMs },
        (pod) => cluster.evict(pod, (evicted: Pod) => void owner(evicted)?.deletePod(evicted, true)),
        h.clock,
        h.events,
      )
      return {
        evicted: result.pods,
        refusals: result.refusals,
        complete: true,
        durationMs: result.durationMs,
      }
    },
    async uncordon(node) {
      cluster?.nodes.uncordon(node)
    },
    async recovered() {
      await Promise.all(
        h.deployments.map((d) =>
          d.until(
            () =>
              d.live.length === d.spec.replicas && d.live.every((pod) => pod.available(d.spec.minReadyMs)),
            'node drain recovery',
          ),
        ),
      )
    },
    sleep: (ms) => sleep(ms, undefined, { ref: false }),
  }
}
