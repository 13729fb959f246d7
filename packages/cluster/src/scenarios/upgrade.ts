import { type RequestRecord, tally } from '@zdd/rollout'
import { CONTROL_PLANE } from '../components.ts'
import type { NodeSpec } from '../layout.ts'
import { restartComponent } from '../restart.ts'
import { type ClusterContext, type ClusterScenario, waitRolledOut } from './context.ts'
import { drain } from './drain.ts'
import { deployments } from './overlay.ts'

interface Step {
  step: string
  startMs: number
  endMs: number
  detail?: string
}

/**
 * What a Kubernetes upgrade does to users, on the real node: the control plane restarted one component at a
 * time (kube-apiserver, kube-controller-manager, kube-scheduler), then each node in turn: `kubectl drain`
 * (which cordons it and evicts its pods as the PodDisruptionBudgets allow), its kubelet restarted,
 * uncordon. With one node the evicted pods have nowhere to go: the drain stops at what the budgets allow,
 * and the kubelet restart meets the pods still there. The report says what each step cost.
 */
export function upgrade(
  nodes: readonly NodeSpec[],
  drainTimeoutS = nodes.length > 1 ? 300 : 20,
): ClusterScenario {
  const steps: Step[] = []
  const timed = async (ctx: ClusterContext, step: string, work: () => Promise<string | undefined>) => {
    const startMs = ctx.clock()
    ctx.log(step)
    const detail = await work()
    steps.push({
      step,
      startMs: Math.round(startMs),
      endMs: Math.round(ctx.clock()),
      ...(detail ? { detail } : {}),
    })
    ctx.events.record({ type: 'observed', detail: `${step}${detail ? `: ${detail}` : ''}` })
  }
  return {
    name: 'upgrade',
    description: `restart ${CONTROL_PLANE.join(', ')}; then node by node (${nodes.map((n) => n.name).join(', ')}): cordon, drain, restart its kubelet, uncordon`,
    rolled: [],
    async execute(ctx) {
      for (const name of CONTROL_PLANE) {
        await timed(
          ctx,
          `restart ${name}`,
          async () => `ready again after ${await restartComponent(name)} ms`,
        )
      }
      for (const node of nodes) {
        await timed(ctx, `kubectl drain ${node.name}`, async () => {
          const result = await drain(ctx, node.name, drainTimeoutS)
          return result.complete
            ? `${result.evicted.length} pods evicted, each replaced elsewhere first as the budgets require`
            : `${result.evicted.length} pods evicted; the rest refused by the PodDisruptionBudgets (no other node to move them to)`
        })
        const kubelet = node.index === 0 ? 'kubelet' : 'kubelet-2'
        await timed(
          ctx,
          `restart ${node.name}'s kubelet`,
          async () => `ready again after ${await restartComponent(kubelet)} ms`,
        )
        await timed(ctx, `kubectl uncordon ${node.name}`, async () => {
          await ctx.kubectl(['uncordon', node.name])
          await waitRolledOut(ctx, await deployments(ctx))
          return 'every Deployment available again'
        })
      }
    },
    async cleanup(ctx) {
      for (const node of nodes) await ctx.kubectl(['uncordon', node.name], { check: false })
    },
    details(records: readonly RequestRecord[]) {
      return {
        upgrade: steps.map((s) => {
          const t = tally(records.filter((r) => r.tMs >= s.startMs && r.tMs < s.endMs))
          return { ...s, sent: t.total, failed: t.failed, failures: t.failures }
        }),
      }
    },
  }
}
