import type { ClusterContext } from './context.ts'

export interface DrainResult {
  evicted: string[]
  /** Evictions refused with 429 (a PodDisruptionBudget would have been breached); kubectl retries each. */
  refusals: number
  /** Every pod left the node; false when the budgets stopped the drain at its timeout. */
  complete: boolean
}

/** `kubectl drain` (cordon, then the Eviction API, which the PodDisruptionBudgets gate), as an operator runs it. */
export async function drain(ctx: ClusterContext, node: string, timeoutS: number): Promise<DrainResult> {
  ctx.events.record({ type: 'node-cordoned', detail: node })
  const result = await ctx.kubectl(
    ['drain', node, '--ignore-daemonsets', '--delete-emptydir-data', `--timeout=${timeoutS}s`],
    { check: false },
  )
  const evicted = [...result.stdout.matchAll(/pod\/(\S+) evicted/g)].map((m) => m[1] as string)
  for (const pod of evicted) ctx.events.record({ type: 'pod-evicted', pod })
  const refused = [...result.stderr.matchAll(/error when evicting pods\/"([^"]+)".*disruption budget/g)]
  for (const m of refused) ctx.events.record({ type: 'eviction-refused', pod: m[1] as string, detail: '429' })
  const complete = result.code === 0
  ctx.events.record({
    type: 'node-drained',
    detail: `${node}: ${evicted.length} evicted${complete ? '' : ', the rest refused by the PodDisruptionBudgets'}`,
  })
  return { evicted, refusals: refused.length, complete }
}
