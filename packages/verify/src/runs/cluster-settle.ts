import { setTimeout as sleep } from 'node:timers/promises'
import type { VerifyOptions } from '../options.ts'
import { type KubectlTarget, kubectlJson, rolloutStatus } from './kubectl.ts'

interface PodList {
  items: { metadata: { name: string; deletionTimestamp?: string } }[]
}

/**
 * Before measuring: the Deployment at rest. A rollout still in progress (an env change just applied, the
 * last one's pods still draining) would otherwise be measured as ours, with pods of another template —
 * e.g. an unprepared control's — leaving during our rollout. Waits for `rollout status`, then until no pod
 * of the Deployment is terminating, and says so when it had to wait.
 */
export async function settled(
  options: VerifyOptions,
  target: KubectlTarget,
  labels: Record<string, string>,
  progress: (line: string) => void,
): Promise<void> {
  const ns = ['-n', options.namespace]
  const started = performance.now()
  await rolloutStatus(
    target,
    options.namespace,
    options.cluster,
    (options.gracePeriod + options.startupTimeout) * 10,
  )
  const selector = Object.entries(labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(',')
  const deadline = performance.now() + (options.gracePeriod + 10) * 1000
  for (;;) {
    const pods = await kubectlJson<PodList>(target, [...ns, 'get', 'pods', '-l', selector])
    const leaving = pods.items.filter((pod) => pod.metadata.deletionTimestamp).map((pod) => pod.metadata.name)
    if (leaving.length === 0) break
    if (performance.now() > deadline) {
      progress(`still terminating after the grace period: ${leaving.join(', ')}; measuring anyway`)
      break
    }
    await sleep(500)
  }
  const waited = performance.now() - started
  if (waited > 1000)
    progress(
      `waited ${(waited / 1000).toFixed(1)} s for the Deployment to be at rest (a rollout was in progress)`,
    )
}
