import { setTimeout as sleep } from 'node:timers/promises'
import { DrainTimeoutError } from '../errors.ts'
import type { Clock } from './clock.ts'
import type { EvictionResult } from './disruption.ts'
import type { EventLog } from './events.ts'
import type { Nodes } from './nodes.ts'
import type { Pod } from './pod.ts'

export interface DrainOptions {
  node: string
  /** kubectl drain waits 5 s before retrying an eviction refused with 429. */
  retryMs: number
  timeoutMs: number
}

export interface DrainResult {
  node: string
  pods: string[]
  refusals: number
  durationMs: number
}

/**
 * `kubectl drain`: cordon the node, then evict every pod on it concurrently, each retrying after a
 * refusal (429: the disruption budget would be breached) until it is accepted, then wait until every
 * evicted pod is gone. The pods' controllers create replacements on other nodes meanwhile.
 */
export async function drainNode(
  nodes: Nodes,
  options: DrainOptions,
  evictPod: (pod: Pod) => EvictionResult,
  clock: Clock,
  events: EventLog,
): Promise<DrainResult> {
  const startedAt = clock()
  const deadline = startedAt + options.timeoutMs
  nodes.cordon(options.node)
  const pods = nodes.podsOn(options.node)
  let refusals = 0
  await Promise.all(
    pods.map(async (pod) => {
      while (!evictPod(pod).evicted) {
        refusals += 1
        if (clock() > deadline) {
          throw new DrainTimeoutError(options.node, options.timeoutMs, `${pod.name} could not be evicted`)
        }
        await sleep(options.retryMs, undefined, { ref: false })
      }
      // Already deleted by the eviction: terminate() only hands back that deletion, to wait for the exit.
      await pod.terminate()
    }),
  )
  const durationMs = Math.round(clock() - startedAt)
  events.record({
    type: 'node-drained',
    detail: `${options.node}: ${pods.length} pod(s) evicted, ${refusals} eviction(s) refused, ${durationMs} ms`,
  })
  return { node: options.node, pods: pods.map((pod) => pod.name), refusals, durationMs }
}
