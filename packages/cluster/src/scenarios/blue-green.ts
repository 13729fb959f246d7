import { setTimeout as sleep } from 'node:timers/promises'
import type { ClusterContext, ClusterScenario } from './context.ts'

/**
 * k8s/overlays/blue-green on the cluster: blue (v1) live, green (v2) beside it. Under load the `catalog`
 * Service's selector moves to green (the preview Service to blue), blue is kept `scaleDownDelayMs` for the
 * connections still on it, then scaled to zero: its pods drain as any deleted pod does.
 */
export function blueGreen(scaleDownDelayMs = 5_000): ClusterScenario {
  return {
    name: 'blue-green',
    overlay: 'blue-green',
    description: `catalog Service selector blue → green, blue scaled to 0 after ${scaleDownDelayMs / 1000} s`,
    rolled: ['catalog-blue'],
    toVersion: 'v2',
    async execute(ctx) {
      await selectColour(ctx, 'catalog', 'green')
      await selectColour(ctx, 'catalog-preview', 'blue')
      ctx.events.record({ type: 'selector-switched', version: 'v2', detail: 'catalog → zdd.dev/color=green' })
      await sleep(scaleDownDelayMs)
      await scaleAndWait(ctx, 'catalog-blue', 0)
    },
  }
}

async function selectColour(ctx: ClusterContext, service: string, colour: string): Promise<void> {
  ctx.log(`kubectl patch service ${service}: zdd.dev/color=${colour}`)
  const patch = JSON.stringify({ spec: { selector: { 'zdd.dev/color': colour } } })
  await ctx.kubectl(['-n', ctx.namespace, 'patch', 'service', service, '--type=merge', '-p', patch])
}

/** `kubectl scale`, then wait until the Deployment's pods are exactly that many and ready. */
export async function scaleAndWait(ctx: ClusterContext, deployment: string, replicas: number): Promise<void> {
  ctx.log(`kubectl scale deployment/${deployment} --replicas=${replicas}`)
  await ctx.kubectl(['-n', ctx.namespace, 'scale', `deployment/${deployment}`, `--replicas=${replicas}`])
  ctx.events.record({ type: 'scaled', detail: `${deployment} → ${replicas}` })
  await ctx.kubectl(['-n', ctx.namespace, 'rollout', 'status', `deployment/${deployment}`, '--timeout=300s'])
  const selector = await ctx.kubectl([
    '-n',
    ctx.namespace,
    'get',
    'deployment',
    deployment,
    '-o',
    'go-template={{range $k, $v := .spec.selector.matchLabels}}{{$k}}={{$v}},{{end}}',
  ])
  const labels = selector.stdout.replace(/,$/, '')
  for (;;) {
    const { stdout } = await ctx.kubectl(['-n', ctx.namespace, 'get', 'pods', '-l', labels, '-o', 'name'])
    if (stdout.split('\n').filter(Boolean).length === replicas) return
    await sleep(500)
  }
}
