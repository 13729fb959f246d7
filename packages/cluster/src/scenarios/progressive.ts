import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type Prometheus, startPrometheus, versionSamples } from '@zdd/prometheus'
import { type Backend, type ProgressiveOptions, percentOf, progressivePlan, replicaRatio } from '@zdd/rollout'
import { Api } from './api.ts'
import { clusterBackend } from './backend.ts'
import type { ClusterContext, ClusterScenario } from './context.ts'
import { followPods } from './pod-targets.ts'
import { annotationControl } from './rollout-annotations.ts'

export type ClusterCanaryBuild = 'good' | 'bad' | 'idle'

export interface ClusterProgressiveOptions {
  canary: ClusterCanaryBuild
  steps: readonly number[]
  decisionIntervalMs: number
  stepTimeoutMs: number
  holdPausedMs: number
  /** The bad build's CATALOG_ERROR_PERCENT. */
  badErrorPercent: number
  judge: ProgressiveOptions['judge']
}

export const CLUSTER_PROGRESSIVE_DEFAULTS: ClusterProgressiveOptions = {
  canary: 'good',
  steps: [1, 2],
  decisionIntervalMs: 2000,
  stepTimeoutMs: 30_000,
  holdPausedMs: 0,
  badErrorPercent: 5,
  judge: {},
}

const APP = 'catalog'
/** The overlay's pods, stable and canary together. */
const REPLICAS = 3
const IDLE_SELECTOR = [{ op: 'add', path: '/spec/selector/zdd.dev~1track', value: 'stable' }]
const SHARED_SELECTOR = [{ op: 'remove', path: '/spec/selector/zdd.dev~1track' }]

/**
 * The progressive canary (plans/progressive.ts, the model's plan) on the real cluster: k8s/overlays/canary
 * (catalog-stable and catalog-canary behind one Service, 3 pods in all), a Prometheus on this machine
 * scraping every annotated pod at its pod IP, the state and operators' commands as annotations on
 * deployment/catalog-canary. bad: CATALOG_ERROR_PERCENT on the canary; idle: the Service selects the
 * stable track only. Both are undone afterwards.
 */
export function progressive(given: Partial<ClusterProgressiveOptions> = {}): ClusterScenario {
  const o = { ...CLUSTER_PROGRESSIVE_DEFAULTS, ...given }
  let backend: Backend | undefined
  let plan: ReturnType<typeof progressivePlan> | undefined
  let prometheus: Prometheus | undefined
  let dir: string | undefined
  let api: Api | undefined
  const shift = replicaRatio(APP, REPLICAS, o.steps)
  const weights = o.steps.map((k) => `${percentOf(k, REPLICAS)}%`).join(' → ')
  const kubectl = (ctx: ClusterContext, args: string[]) => ctx.kubectl(['-n', ctx.namespace, ...args])
  return {
    name: 'progressive',
    overlay: 'canary',
    description: `progressive canary (${o.canary}): ${weights} → 100%, judged by Prometheus`,
    rolled: ['catalog-stable', 'catalog-canary'],
    toVersion: 'v2',
    async setup(ctx) {
      const cluster = clusterBackend(ctx)
      await cluster.scale(`${APP}-canary`, 0)
      if (o.canary === 'bad')
        await kubectl(ctx, [
          'set',
          'env',
          `deployment/${APP}-canary`,
          `CATALOG_ERROR_PERCENT=${o.badErrorPercent}`,
        ])
      if (o.canary === 'idle')
        await kubectl(ctx, ['patch', 'service', APP, '--type=json', '-p', JSON.stringify(IDLE_SELECTOR)])
      dir = await mkdtemp(join(tmpdir(), 'zdd-prometheus-'))
      prometheus = await startPrometheus({ dir })
      api = new Api()
      followPods(api, ctx.namespace, prometheus)
      ctx.log(`Prometheus at ${prometheus.url}, scraping the namespace's annotated pods`)
      const url = prometheus.url
      plan = progressivePlan({
        app: APP,
        shift,
        stableVersion: 'v1',
        canaryVersion: 'v2',
        decisionIntervalMs: o.decisionIntervalMs,
        stepTimeoutMs: o.stepTimeoutMs,
        holdPausedMs: o.holdPausedMs,
        judge: o.judge,
        source: `prometheus ${url}`,
        measure: (fromMs, toMs) => versionSamples(url, APP, fromMs, toMs),
        control: await annotationControl(api, ctx.namespace, `${APP}-canary`),
      })
    },
    async execute(ctx) {
      backend = clusterBackend(ctx)
      await plan?.execute(backend)
    },
    async cleanup(ctx) {
      if (o.canary === 'bad')
        await kubectl(ctx, ['set', 'env', `deployment/${APP}-canary`, 'CATALOG_ERROR_PERCENT-'])
      if (o.canary === 'idle')
        await kubectl(ctx, ['patch', 'service', APP, '--type=json', '-p', JSON.stringify(SHARED_SELECTOR)])
      api?.close()
      await prometheus?.stop()
      if (dir) await rm(dir, { recursive: true, force: true })
    },
    details: () => {
      if (!backend || !plan) return {}
      const found = plan.details(backend)
      if (prometheus) found.progressive.prometheus = prometheus.url
      return found
    },
  }
}
