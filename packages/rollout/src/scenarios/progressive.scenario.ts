import { type Static, Type } from '@sinclair/typebox'
import { versionSamples } from '@zdd/prometheus'
import type { Backend } from '../plans/backend.ts'
import { progressivePlan } from '../plans/progressive.ts'
import { percentOf, replicaRatio, type TrafficShift } from '../plans/shift.ts'
import type { Harness } from '../run/harness.ts'
import type { RolloutOptions } from '../run/options.ts'
import { USERS } from './app-options.ts'
import { CATALOG_ERROR_ENV, defineScenario } from './define.ts'
import { GATEWAY_PATHS, GatewayRun } from './gateway-front.ts'
import { type HarnessPrometheus, harnessPrometheus } from './harness-prometheus.ts'
import { modelBackend } from './model-backend.ts'
import { planRunner, startDeployment } from './plan-runner.ts'
import { startGatewayCanary } from './progressive-gateway.ts'
import { REPLICA_STEPS } from './replica-steps.ts'
import type { ScenarioRunner } from './runner.ts'
import { fileControl, rolloutStateDir } from './state-file.ts'

/** Beyond one scrape interval, before a step's window opens: scrapes are not exactly on time. */
const WINDOW_MARGIN_MS = 150

const Options = Type.Object({
  canary: Type.Union([Type.Literal('good'), Type.Literal('bad'), Type.Literal('idle')], {
    description:
      'the canary build: good (as the stable), bad (fails --bad-error-percent of requests), idle (the Service never sends it traffic)',
    default: 'good',
  }),
  shift: Type.Union([Type.Literal('replicas'), Type.Literal('gateway')], {
    description:
      "how traffic moves to the canary: replicas (its share of the Service's pods, --steps) or gateway (the gateway's catalog-canary flag, a % of users, --weights)",
    default: 'replicas',
  }),
  steps: Type.Array(Type.Integer({ minimum: 1, maximum: 19 }), {
    description: 'with --shift replicas: canary replicas at each step, out of --replicas; promotion follows',
    default: [1, 2],
    minItems: 1,
    rising: true,
    rule: 'must be rising canary replica counts below the replicas',
  }),
  weights: Type.Array(Type.Integer({ minimum: 1, maximum: 99 }), {
    description: "with --shift gateway: the canary's % of users at each step; promotion follows",
    default: [20, 50],
    minItems: 1,
    rising: true,
    rule: 'must be rising whole percentages from 1 to 99, e.g. 20,50',
  }),
  users: USERS,
  decisionIntervalMs: Type.Integer({
    description: 'between two looks at a step (Prometheus queried, the step judged)',
    default: 2000,
    minimum: 200,
    maximum: 600_000,
  }),
  stepTimeoutMs: Type.Integer({
    description: 'an inconclusive step (too little traffic) waits this long, then the rollout pauses',
    default: 30_000,
    minimum: 200,
    maximum: 3_600_000,
  }),
  holdPausedMs: Type.Integer({
    description: 'a paused rollout waits this long for `zdd canary resume|promote|abort`, then the demo ends',
    default: 0,
    minimum: 0,
    maximum: 3_600_000,
  }),
  tolerancePercent: Type.Number({
    description: "how many points the canary's error ratio may exceed the stable's",
    default: 1,
    minimum: 0.1,
    maximum: 50,
  }),
  minRequests: Type.Integer({
    description:
      'canary requests a step needs before it can pass; 0: the least that can (381 at 1 point, 95 %)',
    default: 0,
    minimum: 0,
    maximum: 10_000_000,
  }),
  maxP99Ratio: Type.Number({
    description: "the canary's p99 may be at most this many times the stable's (+10 ms)",
    default: 1.5,
    minimum: 1,
    maximum: 100,
  }),
  badErrorPercent: Type.Integer({
    description: 'share of requests the bad canary fails (its CATALOG_ERROR_PERCENT)',
    default: 5,
    minimum: 1,
    maximum: 100,
  }),
  scrapeIntervalMs: Type.Integer({
    description: "Prometheus' scrape interval for the pods' /metrics",
    default: 1000,
    minimum: 100,
    maximum: 10_000,
  }),
  stateDir: Type.Optional(
    Type.String({
      description:
        'where the rollout publishes its state for `zdd canary` (default: $ZDD_STATE_DIR/rollouts, else <tmp>/zdd-rollouts)',
      minLength: 1,
    }),
  ),
})

export type ProgressiveScenario = Static<typeof Options>

export type { ProgressiveDetails, ProgressiveOutcome } from '../plans/progressive.ts'

/**
 * A progressive canary on the model, judged by a real Prometheus scraping every pod: the plan
 * (plans/progressive.ts) is the cluster's, the state goes where `zdd canary` reads it.
 */
export function progressive(options: RolloutOptions, scenario: ProgressiveScenario): ScenarioRunner {
  const app = options.service.name
  const gateway = scenario.shift === 'gateway' ? new GatewayRun(options) : undefined
  let metrics: HarnessPrometheus | undefined
  const badEnv = { [CATALOG_ERROR_ENV]: String(scenario.badErrorPercent) }
  const weights = gateway ? scenario.weights : scenario.steps.map((k) => percentOf(k, options.replicas))
  // The plan needs Prometheus' address, known once setup started it: a runner around the plan's runner.
  let inner: ScenarioRunner | undefined
  const description = `progressive canary (${scenario.canary}, by ${gateway ? 'the gateway' : 'replica ratio'}): ${weights.map((w) => `${w}%`).join(' → ')} → 100%, judged by Prometheus`

  /** The starting state, with how traffic will move: replica ratio behind the Service, or the gateway. */
  const start = async (h: Harness): Promise<{ backend: Backend; shift: TrafficShift }> => {
    if (gateway) return startGatewayCanary(h, gateway, options, { canary: scenario.canary, weights, badEnv })
    await startDeployment(h, `${app}-stable`, options.fromVersion, { track: 'stable' })
    // idle: the Service selects the stable track only, so the canary's pods run but never get traffic.
    if (scenario.canary === 'idle')
      h.endpoints.setSelector({ app, track: 'stable' }, 'the Service selects track=stable only')
    const backend = modelBackend(h, {
      [`${app}-canary`]: {
        version: options.toVersion,
        labels: { track: 'canary' },
        ...(scenario.canary === 'bad' ? { env: badEnv } : {}),
      },
    })
    return { backend, shift: replicaRatio(app, options.replicas, scenario.steps) }
  }

  return {
    name: 'progressive',
    description,
    toVersion: options.toVersion,
    async setup(h) {
      metrics = await harnessPrometheus(h, scenario.scrapeIntervalMs)
      const url = metrics.prometheus.url
      h.events.record({ type: 'observed', detail: `Prometheus at ${url} scrapes every pod's /metrics` })
      const control = await fileControl(scenario.stateDir ?? rolloutStateDir(), app)
      const { backend, shift } = await start(h)
      const plan = progressivePlan({
        app,
        shift,
        stableVersion: options.fromVersion,
        canaryVersion: options.toVersion,
        decisionIntervalMs: scenario.decisionIntervalMs,
        windowDelayMs: scenario.scrapeIntervalMs + WINDOW_MARGIN_MS,
        stepTimeoutMs: scenario.stepTimeoutMs,
        holdPausedMs: scenario.holdPausedMs,
        judge: {
          tolerance: scenario.tolerancePercent / 100,
          maxP99Ratio: scenario.maxP99Ratio,
          ...(scenario.minRequests > 0 ? { minRequests: scenario.minRequests } : {}),
        },
        source: `prometheus ${url}`,
        measure: (fromMs, toMs) => versionSamples(url, app, fromMs, toMs),
        control,
      })
      inner = planRunner(plan, async () => backend)
      await inner.setup(h)
    },
    ...(gateway
      ? {
          startLoad(h: Harness) {
            h.startLoad(h.serviceOrigin, {
              path: GATEWAY_PATHS.catalog,
              users: scenario.users,
              idleFirst: true,
            })
          },
          collect: () => gateway.collect(),
        }
      : {}),
    execute: (h) => inner?.execute(h) ?? Promise.resolve(),
    details(h) {
      const found = inner?.details(h) ?? {}
      const section = found.progressive as { prometheus?: string } | undefined
      if (section && metrics) section.prometheus = metrics.prometheus.url
      return { ...found, ...(gateway?.details() ?? {}) }
    },
    async cleanup() {
      await metrics?.stop()
      await gateway?.cleanup()
    },
  }
}

export default defineScenario({
  kind: 'progressive',
  summary: 'a canary promoted step by step only while Prometheus shows it as good as the stable',
  order: 45,
  inAll: false,
  gateway: true,
  ownPrometheus: true,
  options: Options,
  ...REPLICA_STEPS,
  runner: progressive,
})
