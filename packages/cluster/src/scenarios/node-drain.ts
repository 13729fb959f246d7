import { NODES } from '../layout.ts'
import { type ClusterScenario, waitRolledOut } from './context.ts'
import { drain } from './drain.ts'
import { deployments } from './overlay.ts'

/**
 * `kubectl drain` of the node holding most catalog pods, under load, with the budgets of
 * components/high-availability: each eviction waits until the previous pod's replacement is ready on
 * the other node. Needs `zdd cluster up --nodes 2`.
 */
export function nodeDrain(): ClusterScenario {
  let drained = ''
  let result = { evicted: [] as string[], complete: false }
  return {
    name: 'node-drain',
    description: 'kubectl drain of the node holding most catalog pods, then uncordon',
    rolled: ['catalog', 'gateway', 'recommendations-a', 'recommendations-b'],
    async execute(ctx) {
      const { stdout } = await ctx.kubectl([
        '-n',
        ctx.namespace,
        'get',
        'pods',
        '-l',
        'app.kubernetes.io/name=catalog',
        '-o',
        'jsonpath={.items[*].spec.nodeName}',
      ])
      const counts = new Map<string, number>()
      for (const node of stdout.split(/\s+/).filter(Boolean)) counts.set(node, (counts.get(node) ?? 0) + 1)
      drained = [...counts].sort((a, b) => b[1] - a[1])[0]?.[0] ?? (NODES[0]?.name as string)
      ctx.log(`kubectl drain ${drained} (${counts.get(drained) ?? 0} catalog pods on it)`)
      result = await drain(ctx, drained, 300)
      await ctx.kubectl(['uncordon', drained])
      await waitRolledOut(ctx, await deployments(ctx))
    },
    async cleanup(ctx) {
      if (drained) await ctx.kubectl(['uncordon', drained], { check: false })
    },
    details: () => ({ drainedNode: { node: drained, ...result } }),
  }
}
