import { setTimeout as sleep } from 'node:timers/promises'
import type { Backend } from '@zdd/rollout'
import { type ClusterContext, waitRolledOut } from './context.ts'
import { drain } from './drain.ts'
import { deployments } from './overlay.ts'

/**
 * The real cluster as a plan's backend: every step is what an operator types (`kubectl rollout restart`,
 * `patch`, `scale`, `drain`, `uncordon`), then waits with `kubectl rollout status` until the controllers
 * have done it and the pods they removed are gone.
 */
export function clusterBackend(ctx: ClusterContext): Backend {
  const ns = ['-n', ctx.namespace]
  return {
    kind: 'cluster',
    clock: ctx.clock,
    events: ctx.events,
    records: ctx.records,
    versionOfPod: ctx.versionOfPod,
    phase: (text) => ctx.log(text),
    async roll(deployment, change) {
      if (change.version === undefined && change.replicas === undefined) {
        ctx.log(`kubectl rollout restart deployment/${deployment}`)
        await ctx.kubectl([...ns, 'rollout', 'restart', `deployment/${deployment}`])
      } else {
        const patch: object[] = []
        if (change.replicas !== undefined)
          patch.push({ op: 'replace', path: '/spec/replicas', value: change.replicas })
        if (change.version !== undefined) {
          const image = await deploymentField(
            ctx,
            deployment,
            'jsonpath={.spec.template.spec.containers[0].image}',
          )
          const label = '/spec/template/metadata/labels/app.kubernetes.io~1version'
          patch.push({ op: 'replace', path: label, value: change.version })
          patch.push({
            op: 'replace',
            path: '/spec/template/spec/containers/0/image',
            value: `${image.replace(/:[^:/]*$/, '')}:${change.version}`,
          })
        }
        ctx.log(`kubectl patch deployment ${deployment} ${JSON.stringify(change)}`)
        await ctx.kubectl([
          ...ns,
          'patch',
          'deployment',
          deployment,
          '--type=json',
          '-p',
          JSON.stringify(patch),
        ])
      }
      await waitRolledOut(ctx, [deployment])
      await podsGone(ctx, deployment)
    },
    async scale(deployment, replicas) {
      ctx.log(`kubectl scale deployment/${deployment} --replicas=${replicas}`)
      await ctx.kubectl([...ns, 'scale', `deployment/${deployment}`, `--replicas=${replicas}`])
      ctx.events.record({ type: 'scaled', detail: `${deployment} → ${replicas}` })
      await waitRolledOut(ctx, [deployment])
      await podsGone(ctx, deployment)
    },
    async selectColour(service, colour, detail) {
      const patch = (name: string, c: string) =>
        ctx.kubectl(
          [
            ...ns,
            'patch',
            'service',
            name,
            '--type=merge',
            '-p',
            JSON.stringify({ spec: { selector: { 'zdd.dev/color': c } } }),
          ],
          { check: false },
        )
      ctx.log(`kubectl patch service ${service}: zdd.dev/color=${colour}`)
      const result = await patch(service, colour)
      if (result.code !== 0)
        throw new Error(`kubectl patch service ${service} failed: ${result.stderr.trim()}`)
      // The preview Service (k8s/overlays/blue-green) follows the colour that is not live, where it exists.
      await patch(`${service}-preview`, colour === 'green' ? 'blue' : 'green')
      ctx.events.record({ type: 'selector-switched', detail })
    },
    async placement(deployment) {
      const { stdout: nodes } = await ctx.kubectl([
        'get',
        'nodes',
        '-o',
        'jsonpath={.items[*].metadata.name}',
      ])
      const layout: Record<string, string[]> = Object.fromEntries(
        nodes
          .split(/\s+/)
          .filter(Boolean)
          .map((node) => [node, []]),
      )
      for (const pod of await podsOf(ctx, deployment)) {
        if (!pod.node || pod.deleting) continue
        layout[pod.node] = [...(layout[pod.node] ?? []), pod.name]
      }
      return layout
    },
    async drain(node) {
      const startedAt = ctx.clock()
      ctx.log(`kubectl drain ${node}`)
      const result = await drain(ctx, node, 300)
      return { ...result, durationMs: Math.round(ctx.clock() - startedAt) }
    },
    async uncordon(node) {
      ctx.log(`kubectl uncordon ${node}`)
      await ctx.kubectl(['uncordon', node])
      ctx.events.record({ type: 'node-uncordoned', detail: node })
    },
    async recovered() {
      await waitRolledOut(ctx, await deployments(ctx))
    },
    sleep: (ms) => sleep(ms),
  }
}

/** One field of a Deployment, through `kubectl get -o <output>`. */
async function deploymentField(ctx: ClusterContext, deployment: string, output: string): Promise<string> {
  const { stdout } = await ctx.kubectl(['-n', ctx.namespace, 'get', 'deployment', deployment, '-o', output])
  return stdout
}

interface PodSummary {
  name: string
  node?: string
  deleting: boolean
}

/** The Deployment's pods, found by its own selector. */
async function podsOf(ctx: ClusterContext, deployment: string): Promise<PodSummary[]> {
  const selector = await deploymentField(
    ctx,
    deployment,
    'go-template={{range $k, $v := .spec.selector.matchLabels}}{{$k}}={{$v}},{{end}}',
  )
  const { stdout } = await ctx.kubectl([
    '-n',
    ctx.namespace,
    'get',
    'pods',
    '-l',
    selector.replace(/,$/, ''),
    '-o',
    'json',
  ])
  const list = JSON.parse(stdout) as {
    items: Array<{ metadata: { name: string; deletionTimestamp?: string }; spec: { nodeName?: string } }>
  }
  return list.items.map((pod) => ({
    name: pod.metadata.name,
    ...(pod.spec.nodeName ? { node: pod.spec.nodeName } : {}),
    deleting: pod.metadata.deletionTimestamp !== undefined,
  }))
}

/** Until the Deployment has exactly its desired pods: the ones it removed have exited and been deleted. */
async function podsGone(ctx: ClusterContext, deployment: string): Promise<void> {
  const replicas = Number(await deploymentField(ctx, deployment, 'jsonpath={.spec.replicas}'))
  const deadline = Date.now() + 300_000
  while ((await podsOf(ctx, deployment)).length !== replicas) {
    if (Date.now() > deadline) throw new Error(`deployment/${deployment}: old pods still there after 300 s`)
    await sleep(500)
  }
}
