import { setTimeout as sleep } from 'node:timers/promises'
import { scaleAndWait } from './blue-green.ts'
import type { ClusterScenario } from './context.ts'

/**
 * k8s/overlays/canary on the cluster (replica ratio): catalog-stable (3 × v1) and catalog-canary (v2) behind
 * one Service. The canary starts at 0, grows by `steps`, each held `stepPauseMs`; then promotion rolls
 * stable to v2 (its version label and image) and the canary goes back to 0.
 */
export function canary(steps: readonly number[] = [1, 2], stepPauseMs = 5_000): ClusterScenario {
  return {
    name: 'canary',
    overlay: 'canary',
    description: `catalog-canary (v2) at ${steps.join(' → ')} of ${3} stable pods, then stable rolled to v2 and the canary removed`,
    rolled: ['catalog-stable', 'catalog-canary'],
    toVersion: 'v2',
    async setup(ctx) {
      await scaleAndWait(ctx, 'catalog-canary', 0)
    },
    async execute(ctx) {
      for (const replicas of steps) {
        await scaleAndWait(ctx, 'catalog-canary', replicas)
        ctx.events.record({
          type: 'canary-step',
          version: 'v2',
          detail: `${replicas} canary pod(s) beside 3 stable`,
        })
        await sleep(stepPauseMs)
      }
      ctx.log('promote: catalog-stable → v2')
      const patch = JSON.stringify([
        { op: 'replace', path: '/spec/template/metadata/labels/app.kubernetes.io~1version', value: 'v2' },
        { op: 'replace', path: '/spec/template/spec/containers/0/image', value: 'zdd/catalog:v2' },
      ])
      await ctx.kubectl([
        '-n',
        ctx.namespace,
        'patch',
        'deployment',
        'catalog-stable',
        '--type=json',
        '-p',
        patch,
      ])
      await ctx.kubectl([
        '-n',
        ctx.namespace,
        'rollout',
        'status',
        'deployment/catalog-stable',
        '--timeout=300s',
      ])
      await scaleAndWait(ctx, 'catalog-canary', 0)
    },
  }
}
