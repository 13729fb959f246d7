import { setTimeout as sleep } from 'node:timers/promises'
import { percentile } from '@zdd/rollout'
import { run } from './run.ts'
import { Api } from './scenarios/api.ts'

interface Pod {
  metadata: { name: string; labels?: Record<string, string>; deletionTimestamp?: string }
  status?: { podIP?: string; conditions?: Array<{ type: string; status: string }> }
}

export interface PropagationStats {
  samples: number[]
  p50: number
  p90: number
  max: number
}

export interface PropagationResult {
  /** From the API server accepting a pod's deletion to kube-proxy's rules no longer sending it connections. */
  removal: PropagationStats
  /** From the API server publishing a new pod as Ready to kube-proxy's rules sending it connections. */
  inclusion: PropagationStats
}

const POLL_MS = 5

/**
 * Measures what the model assumes as "propagation" on the real node: each sample deletes one catalog pod
 * (its Deployment replaces it) and polls the nat table until the pod's DNAT rule is gone, then waits for
 * the replacement to be Ready and polls until its rule is there. Needs the local overlay applied.
 */
export async function measurePropagation(
  samples: number,
  log: (line: string) => void,
  namespace = 'zdd',
  app = 'catalog',
): Promise<PropagationResult> {
  const api = new Api()
  const pods = new Map<string, { ip?: string; ready: boolean; readyAt?: number; deleting: boolean }>()
  api.watch<Pod>(
    `/api/v1/namespaces/${namespace}/pods?labelSelector=app.kubernetes.io%2Fname%3D${app}`,
    (type, pod) => {
      const name = pod.metadata.name
      if (type === 'DELETED') return void pods.delete(name)
      const ready = pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false
      const known = pods.get(name)
      pods.set(name, {
        ip: pod.status?.podIP,
        ready,
        readyAt: ready ? (known?.readyAt ?? performance.now()) : undefined,
        deleting: pod.metadata.deletionTimestamp !== undefined,
      })
    },
  )
  const removal: number[] = []
  const inclusion: number[] = []
  try {
    for (let i = 0; i < samples; i++) {
      const victim = await until(() => [...pods].find(([, p]) => p.ready && !p.deleting && p.ip), 120_000)
      const [name, { ip }] = victim
      const before = new Set(pods.keys())
      await api.delete(`/api/v1/namespaces/${namespace}/pods/${name}`)
      const deletedAt = performance.now()
      await until(async () => !(await dnatTargets()).has(ip as string), 30_000)
      removal.push(Math.round(performance.now() - deletedAt))
      const [, fresh] = await until(
        () => [...pods].find(([n, p]) => !before.has(n) && p.ready && p.ip),
        120_000,
      )
      await until(async () => (await dnatTargets()).has(fresh.ip as string), 30_000)
      inclusion.push(Math.round(performance.now() - (fresh.readyAt as number)))
      log(
        `sample ${i + 1}/${samples}: removed from the rules ${removal.at(-1)} ms after deletion, new pod in them ${inclusion.at(-1)} ms after Ready`,
      )
      // The next deletion starts from a settled Service: the old pod gone, every pod ready.
      await until(() => !pods.has(name) && [...pods.values()].every((p) => p.ready), 120_000)
    }
  } finally {
    api.close()
  }
  return { removal: stats(removal), inclusion: stats(inclusion) }
}

/** The pod addresses kube-proxy's nat rules currently send connections to. */
async function dnatTargets(): Promise<Set<string>> {
  const { stdout } = await run('iptables-save', ['-t', 'nat'])
  return new Set([...stdout.matchAll(/--to-destination ([\d.]+):/g)].map((m) => m[1] as string))
}

async function until<T>(
  check: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs: number,
): Promise<T> {
  const deadline = performance.now() + timeoutMs
  for (;;) {
    const value = await check()
    if (value) return value
    if (performance.now() > deadline) throw new Error(`propagation: gave up after ${timeoutMs} ms`)
    await sleep(POLL_MS)
  }
}

function stats(samples: number[]): PropagationStats {
  const sorted = [...samples].sort((a, b) => a - b)
  return { samples, p50: percentile(sorted, 50), p90: percentile(sorted, 90), max: sorted.at(-1) ?? 0 }
}
