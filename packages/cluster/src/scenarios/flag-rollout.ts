import { setTimeout as sleep } from 'node:timers/promises'
import { parseFlags, setRollout, type summarize } from '@zdd/flags'
import type { ClusterContext } from './context.ts'

/** The ConfigMap of k8s/components/flags-file, mounted by the gateway and the catalog at /etc/zdd/flags. */
const FLAGS_MAP = 'flags'
const FLAGS_KEY = 'flags.json'
const GATEWAY = 'app.kubernetes.io/name=gateway'

interface PodList {
  items: { metadata: { name: string }; status?: { podIP?: string } }[]
}

/**
 * Sets a flag's rollout % for the gateway's app-level canary on the cluster (k8s/overlays/canary with its
 * app-level and flags-file components): the ConfigMap `flags` edited with `kubectl apply`, then every
 * gateway pod nudged so that it sees the file now. The kubelet rewrites a pod's ConfigMap volume when it
 * syncs the pod, which on its own happens about once a minute; an update of the pod (an annotation) makes
 * it sync at once. Resolves once each gateway pod reports the new rollout on /_zdd/session (its own view
 * of the flags, asked at its pod address).
 */
export async function setFlagRollout(
  ctx: ClusterContext,
  flag: string,
  percent: number,
  timeoutMs = 60_000,
): Promise<void> {
  const kubectl = (args: string[], input?: string) =>
    ctx.kubectl(['-n', ctx.namespace, ...args], input === undefined ? {} : { input })
  const map = JSON.parse((await kubectl(['get', 'configmap', FLAGS_MAP, '-o', 'json'])).stdout) as {
    data: Record<string, string>
  }
  const doc = parseFlags(map.data[FLAGS_KEY] ?? '', `configmap/${FLAGS_MAP}`)
  setRollout(doc, flag, percent, `configmap/${FLAGS_MAP}`)
  const patch = { data: { [FLAGS_KEY]: `${JSON.stringify(doc, null, 2)}\n` } }
  await kubectl(['patch', 'configmap', FLAGS_MAP, '--type=merge', '-p', JSON.stringify(patch)])
  const pods = JSON.parse((await kubectl(['get', 'pods', '-l', GATEWAY, '-o', 'json'])).stdout) as PodList
  await kubectl([
    'annotate',
    '--overwrite',
    'pods',
    '-l',
    GATEWAY,
    `zdd.dev/flags-applied=${flag}-${percent}-${Date.now()}`,
  ])
  const deadline = Date.now() + timeoutMs
  for (const pod of pods.items) {
    const ip = pod.status?.podIP
    if (!ip) continue
    for (;;) {
      if ((await rolloutSeen(ip, flag)) === percent) break
      if (Date.now() > deadline)
        throw new Error(
          `gateway pod ${pod.metadata.name} did not see ${flag} at ${percent} % within ${timeoutMs / 1000} s`,
        )
      await sleep(100, undefined, { ref: false })
    }
  }
}

/** The flag's rollout % as one gateway pod evaluates it now. */
async function rolloutSeen(ip: string, flag: string): Promise<number | undefined> {
  const response = await fetch(`http://${ip}:8080/_zdd/session`, { signal: AbortSignal.timeout(2000) }).catch(
    () => undefined,
  )
  if (!response?.ok) return undefined
  const session = (await response.json()) as { flags?: ReturnType<typeof summarize> }
  return session.flags?.find((f) => f.name === flag)?.rollout
}
