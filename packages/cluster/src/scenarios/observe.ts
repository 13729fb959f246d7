import type { Clock, EventLog, RolloutReport } from '@zdd/rollout'
import type { Api } from './api.ts'

interface Pod {
  metadata: { name: string; labels?: Record<string, string>; deletionTimestamp?: string }
  status?: {
    conditions?: Array<{ type: string; status: string }>
    podIP?: string
    containerStatuses?: Array<{ state?: { terminated?: { exitCode: number; signal?: number } } }>
  }
}

type Termination = RolloutReport['terminations'][number]

/** What the watch saw of the run's pods beyond the events: how each deleted pod ended. */
export interface Observed {
  /** Each pod that was deleted: from its deletion to its container's exit (as the kubelet reported it). */
  terminations(): Termination[]
}

interface EndpointSlice {
  metadata: { name: string; labels?: Record<string, string> }
  endpoints?: Array<{ addresses: string[]; conditions?: { ready?: boolean }; targetRef?: { name: string } }>
}

/**
 * Turns the API server's view of the namespace into the run's events, as the model records them: pods
 * created, ready, terminating, gone, and endpoints added to or removed from each Service's EndpointSlices
 * (what the control plane publishes; kube-proxy applies it a little later).
 */
export function observe(api: Api, namespace: string, events: EventLog, clock: Clock): Observed {
  const pods = new Map<string, { ready: boolean; terminating: boolean }>()
  const ending = new Map<string, { atMs: number; version: string }>()
  const ended: Termination[] = []
  const end = (pod: string, exitCode: number | null) => {
    const start = ending.get(pod)
    if (!start) return
    ending.delete(pod)
    ended.push({
      pod,
      version: start.version,
      exitCode,
      signal: null,
      // 137 = 128 + SIGKILL: the grace period ran out.
      sigkill: exitCode === 137,
      durationMs: Math.round(clock() - start.atMs),
    })
  }
  api.watch<Pod>(`/api/v1/namespaces/${namespace}/pods`, (type, pod) => {
    const name = pod.metadata.name
    const version = pod.metadata.labels?.['app.kubernetes.io/version']
    const base = { pod: name, ...(version ? { version } : {}) }
    const known = pods.get(name)
    if (type === 'DELETED') {
      if (known) events.record({ type: 'pod-exited', ...base })
      // Deleted before the watch showed its container's exit: the deletion is the closest time known.
      end(name, null)
      pods.delete(name)
      return
    }
    const ready = pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false
    const terminating = pod.metadata.deletionTimestamp !== undefined
    if (!known) events.record({ type: 'pod-created', ...base })
    if (ready !== (known?.ready ?? false))
      events.record({ type: ready ? 'pod-ready' : 'pod-not-ready', ...base })
    if (terminating && !known?.terminating) {
      events.record({ type: 'pod-terminating', ...base })
      ending.set(name, { atMs: clock(), version: version ?? '' })
    }
    const exited = pod.status?.containerStatuses?.[0]?.state?.terminated
    if (terminating && exited) end(name, exited.exitCode)
    pods.set(name, { ready, terminating })
  })
  const slices = new Map<string, Set<string>>()
  api.watch<EndpointSlice>(
    `/apis/discovery.k8s.io/v1/namespaces/${namespace}/endpointslices`,
    (type, slice) => {
      const service = slice.metadata.labels?.['kubernetes.io/service-name'] ?? ''
      const before = slices.get(slice.metadata.name) ?? new Set<string>()
      const now = new Set(
        type === 'DELETED'
          ? []
          : (slice.endpoints ?? [])
              .filter((e) => e.conditions?.ready !== false)
              .map((e) => e.targetRef?.name ?? e.addresses[0] ?? ''),
      )
      for (const pod of now) if (!before.has(pod)) events.record({ type: 'endpoint-added', pod, service })
      for (const pod of before) if (!now.has(pod)) events.record({ type: 'endpoint-removed', pod, service })
      slices.set(slice.metadata.name, now)
    },
  )
  return { terminations: () => [...ended] }
}
