import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type Prometheus, startPrometheus, versionSamples } from '@zdd/prometheus'
import {
  type Backend,
  canaryReplicasFor,
  type ProgressiveOptions,
  percentOf,
  progressivePlan,
  replicaRatio,
  type TrafficShift,
  weightedRoute,
} from '@zdd/rollout'
import { startTraefik, type Traefik } from '../traefik/start.ts'
import { setRouteWeight, type WeightedRouteKind } from '../traefik/weights.ts'
import { Api } from './api.ts'
import { clusterBackend } from './backend.ts'
import type { ClusterContext, ClusterScenario } from './context.ts'
import { setFlagRollout } from './flag-rollout.ts'
import { followPods } from './pod-targets.ts'
import { annotationControl } from './rollout-annotations.ts'

export type ClusterCanaryBuild = 'good' | 'bad' | 'idle'

/**
 * How traffic moves: the Service's pods (k8s/overlays/canary), the gateway's catalog-canary flag (the same
 * overlay with its app-level and flags-file components), or Traefik's weights on one of two objects.
 */
export type ClusterShift = 'replicas' | 'gateway' | WeightedRouteKind

export const CLUSTER_SHIFTS: readonly ClusterShift[] = ['replicas', 'gateway', 'traefik', 'httproute']

const OVERLAYS: Record<ClusterShift, string> = {
  replicas: 'canary',
  gateway: 'canary',
  traefik: 'canary-traefik',
  httproute: 'canary-gateway-api',
}

const APP_LEVEL = ['k8s/overlays/canary/app-level', 'k8s/components/flags-file'] as const
const CANARY_FLAG = 'catalog-canary'

const MECHANISMS: Record<Exclude<ClusterShift, 'replicas'>, string> = {
  gateway: `gateway flag ${CANARY_FLAG} (ConfigMap flags)`,
  traefik: 'Traefik weights (TraefikService catalog-weighted)',
  httproute: 'Gateway API HTTPRoute weights (httproute/catalog, served by Traefik)',
}

export interface ClusterProgressiveOptions {
  canary: ClusterCanaryBuild
  shift: ClusterShift
  /** shift replicas: canary pods at each step, of 3. */
  steps: readonly number[]
  /** shift traefik | httproute: the canary's weight at each step, in percent. */
  weights: readonly number[]
  decisionIntervalMs: number
  stepTimeoutMs: number
  holdPausedMs: number
  /** The bad build's CATALOG_ERROR_PERCENT. */
  badErrorPercent: number
  judge: ProgressiveOptions['judge']
}

export const CLUSTER_PROGRESSIVE_DEFAULTS: ClusterProgressiveOptions = {
  canary: 'good',
  shift: 'replicas',
  steps: [1, 2],
  weights: [20, 50],
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
 * The progressive canary (plans/progressive.ts, the model's plan) on the real cluster, a Prometheus on this
 * machine scraping every annotated pod at its pod IP, the state and operators' commands as annotations on
 * deployment/catalog-canary. By replica ratio: k8s/overlays/canary (catalog-stable and catalog-canary behind
 * one Service, 3 pods in all), load through the gateway. By weights, the stable at its 3 pods and the
 * canary beside it: the gateway's catalog-canary flag (the canary overlay with its app-level and
 * flags-file components, load through the gateway), or k8s/overlays/canary-traefik or canary-gateway-api
 * with a Traefik on this machine in front (load through it) whose TraefikService or HTTPRoute weights
 * move the traffic. bad: CATALOG_ERROR_PERCENT
 * on the canary; idle: nothing sends it traffic (the Service selects the stable track; a weight that is
 * never set). Both are undone afterwards.
 */
export function progressive(given: Partial<ClusterProgressiveOptions> = {}): ClusterScenario {
  const o = { ...CLUSTER_PROGRESSIVE_DEFAULTS, ...given }
  const weighted = o.shift === 'replicas' ? undefined : o.shift
  let backend: Backend | undefined
  let plan: ReturnType<typeof progressivePlan> | undefined
  let prometheus: Prometheus | undefined
  let traefik: Traefik | undefined
  let dir: string | undefined
  let api: Api | undefined
  const weights = weighted ? o.weights : o.steps.map((k) => percentOf(k, REPLICAS))
  const kubectl = (ctx: ClusterContext, args: string[]) => ctx.kubectl(['-n', ctx.namespace, ...args])

  /**
   * How the plan moves traffic. With weights the route starts at 0 % (the overlays ship 10 %), the weight
   * set by the gateway's flag (its ConfigMap) or by a Traefik started here (a TraefikService, an HTTPRoute).
   */
  const shiftFor = async (ctx: ClusterContext, scratch: string): Promise<TrafficShift> => {
    if (!weighted) return replicaRatio(APP, REPLICAS, o.steps)
    let apply: (percent: number) => Promise<void>
    let object: string
    if (weighted === 'gateway') {
      apply = (percent) => setFlagRollout(ctx, CANARY_FLAG, percent)
      object = `flag ${CANARY_FLAG}`
    } else {
      const router = await startTraefik(ctx, scratch)
      traefik = router
      apply = (percent) => setRouteWeight(ctx, router, weighted, percent)
      object = weighted === 'traefik' ? 'traefikservice/catalog-weighted' : 'httproute/catalog'
    }
    await apply(0)
    let current = 0
    return weightedRoute({
      app: APP,
      replicas: REPLICAS,
      canaryReplicas: canaryReplicasFor(REPLICAS, o.weights),
      weights: o.weights,
      mechanism: MECHANISMS[weighted],
      async setWeight(percent) {
        // idle: the canary runs, but its weight is never raised (an operator changing the wrong object).
        if (o.canary === 'idle' && percent > 0) return
        await apply(percent)
        ctx.events.record({
          type: 'weight-changed',
          version: 'v2',
          detail: `${object}: canary ${current}% → ${percent}%`,
        })
        current = percent
      },
    })
  }

  return {
    name: 'progressive',
    overlay: OVERLAYS[o.shift],
    ...(o.shift === 'gateway' ? { components: APP_LEVEL } : {}),
    description: `progressive canary (${o.canary}, by ${weighted ? MECHANISMS[weighted] : 'replica ratio'}): ${weights.map((w) => `${w}%`).join(' → ')} → 100%, judged by Prometheus`,
    rolled: ['catalog-stable', 'catalog-canary'],
    toVersion: 'v2',
    ownPrometheus: true,
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
      if (o.canary === 'idle' && !weighted)
        await kubectl(ctx, ['patch', 'service', APP, '--type=json', '-p', JSON.stringify(IDLE_SELECTOR)])
      dir = await mkdtemp(join(tmpdir(), 'zdd-prometheus-'))
      prometheus = await startPrometheus({ dir })
      api = new Api()
      followPods(api, ctx.namespace, prometheus)
      ctx.log(`Prometheus at ${prometheus.url}, scraping the namespace's annotated pods`)
      const url = prometheus.url
      plan = progressivePlan({
        app: APP,
        shift: await shiftFor(ctx, dir),
        stableVersion: 'v1',
        canaryVersion: 'v2',
        decisionIntervalMs: o.decisionIntervalMs,
        // One scrape interval and a margin: the window counts no request of the previous step.
        windowDelayMs: prometheus.scrapeIntervalMs + 150,
        stepTimeoutMs: o.stepTimeoutMs,
        holdPausedMs: o.holdPausedMs,
        judge: o.judge,
        source: `prometheus ${url}`,
        measure: (fromMs, toMs) => versionSamples(url, APP, fromMs, toMs),
        control: await annotationControl(api, ctx.namespace, `${APP}-canary`),
      })
    },
    loadTarget: () => (traefik ? { origin: traefik.web, path: '/products' } : undefined),
    async execute(ctx) {
      backend = clusterBackend(ctx)
      await plan?.execute(backend)
    },
    async cleanup(ctx) {
      if (o.canary === 'bad')
        await kubectl(ctx, ['set', 'env', `deployment/${APP}-canary`, 'CATALOG_ERROR_PERCENT-'])
      if (o.canary === 'idle' && !weighted)
        await kubectl(ctx, ['patch', 'service', APP, '--type=json', '-p', JSON.stringify(SHARED_SELECTOR)])
      api?.close()
      await traefik?.stop()
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
