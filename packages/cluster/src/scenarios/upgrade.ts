import { type RequestRecord, tally } from '@zdd/rollout'
import { CONTROL_PLANE } from '../components.ts'
import { NETWORK } from '../layout.ts'
import { restartComponent } from '../restart.ts'
import type { ClusterContext, ClusterScenario } from './context.ts'
import { deployments } from './overlay.ts'
import { waitRolledOut } from './run.ts'

interface Step {
  step: string
  startMs: number
  endMs: number
  detail?: string
}

/**
 * What a Kubernetes upgrade does to users, on the real node: the control plane restarted one component at a
 * time (kube-apiserver, kube-controller-manager, kube-scheduler), then the node's turn: cordon, drain
 * (evictions that the PodDisruptionBudgets allow; on one node the evicted pods wait, Pending, for the
 * uncordon), the kubelet restarted, uncordon. The report says what each step cost.
 */
export function upgrade(drainTimeoutS = 20): ClusterScenario {
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
    description: `restart ${CONTROL_PLANE.join(', ')}; cordon, drain, restart the kubelet, uncordon ${NETWORK.nodeName}`,
    rolled: [],
    async execute(ctx) {
      for (const name of CONTROL_PLANE) {
        await timed(
          ctx,
          `restart ${name}`,
          async () => `ready again after ${await restartComponent(name)} ms`,
        )
      }
      await timed(ctx, `kubectl cordon ${NETWORK.nodeName}`, async () => {
        await ctx.kubectl(['cordon', NETWORK.nodeName])
        ctx.events.record({ type: 'node-cordoned', detail: NETWORK.nodeName })
        return undefined
      })
      await timed(ctx, `kubectl drain ${NETWORK.nodeName}`, async () => {
        // One node: evicted pods have nowhere to go, so the budgets stop the drain; it ends at its timeout.
        const drain = await ctx.kubectl(
          [
            'drain',
            NETWORK.nodeName,
            '--ignore-daemonsets',
            '--delete-emptydir-data',
            `--timeout=${drainTimeoutS}s`,
          ],
          { check: false },
        )
        const evicted = [...drain.stdout.matchAll(/pod\/(\S+) evicted/g)].map((m) => m[1] as string)
        for (const pod of evicted) ctx.events.record({ type: 'pod-evicted', pod })
        const refused = /disruption budget/.test(drain.stderr)
        ctx.events.record({
          type: 'node-drained',
          detail: `${evicted.length} evicted${refused ? ', the rest refused by PDBs' : ''}`,
        })
        return `${evicted.length} pods evicted (${evicted.join(', ')})${refused ? '; further evictions refused by the PodDisruptionBudgets' : ''}`
      })
      await timed(
        ctx,
        'restart kubelet',
        async () => `ready again after ${await restartComponent('kubelet')} ms`,
      )
      await timed(ctx, `kubectl uncordon ${NETWORK.nodeName}`, async () => {
        await ctx.kubectl(['uncordon', NETWORK.nodeName])
        await waitRolledOut(ctx, await deployments(ctx))
        return 'evicted pods scheduled again and ready'
      })
    },
    async cleanup(ctx) {
      await ctx.kubectl(['uncordon', NETWORK.nodeName], { check: false })
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
