import { type Static, Type } from '@sinclair/typebox'
import { versionSamples } from '@zdd/prometheus'
import { progressivePlan } from '../plans/progressive.ts'
import type { RolloutOptions } from '../run/options.ts'
import { DEFAULT_SERVICE, defineScenario } from './define.ts'
import { type HarnessPrometheus, harnessPrometheus } from './harness-prometheus.ts'
import { modelBackend } from './model-backend.ts'
import { planRunner, startDeployment } from './plan-runner.ts'
import { REPLICA_STEPS } from './replica-steps.ts'
import type { ScenarioRunner } from './runner.ts'
import { fileControl, rolloutStateDir } from './state-file.ts'

const Options = Type.Object({
  canary: Type.Union([Type.Literal('good'), Type.Literal('bad'), Type.Literal('idle')], {
    description:
      'the canary build: good (as the stable), bad (fails --bad-error-percent of requests), idle (the Service never sends it traffic)',
    default: 'good',
  }),
  steps: Type.Array(Type.Integer({ minimum: 1, maximum: 19 }), {
    description: 'canary replicas at each step, out of --replicas (replica ratio); promotion follows',
    default: [1, 2],
    minItems: 1,
    rising: true,
    rule: 'must be rising canary replica counts below the replicas',
  }),
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
  let metrics: HarnessPrometheus | undefined
  const errorEnv = DEFAULT_SERVICE.errorEnv ?? 'CATALOG_ERROR_PERCENT'
  const runner = (source: string, url: string, control: Awaited<ReturnType<typeof fileControl>>) =>
    progressivePlan({
      app,
      replicas: options.replicas,
      steps: scenario.steps,
      stableVersion: options.fromVersion,
      canaryVersion: options.toVersion,
      decisionIntervalMs: scenario.decisionIntervalMs,
      stepTimeoutMs: scenario.stepTimeoutMs,
      holdPausedMs: scenario.holdPausedMs,
      judge: {
        tolerance: scenario.tolerancePercent / 100,
        maxP99Ratio: scenario.maxP99Ratio,
        ...(scenario.minRequests > 0 ? { minRequests: scenario.minRequests } : {}),
      },
      source,
      measure: (fromMs, toMs) => versionSamples(url, app, fromMs, toMs),
      control,
    })
  // The plan needs Prometheus' address, known once setup started it: a runner around the plan's runner.
  let inner: ScenarioRunner | undefined
  const description = `progressive canary (${scenario.canary}): ${scenario.steps.map((k) => `${Math.round((100 * k) / options.replicas)}%`).join(' → ')} → 100%, judged by Prometheus`
  return {
    name: 'progressive',
    description,
    toVersion: options.toVersion,
    async setup(h) {
      metrics = await harnessPrometheus(h, scenario.scrapeIntervalMs)
      const url = metrics.prometheus.url
      h.events.record({ type: 'observed', detail: `Prometheus at ${url} scrapes every pod's /metrics` })
      const control = await fileControl(scenario.stateDir ?? rolloutStateDir(), app)
      inner = planRunner(runner(`prometheus ${url}`, url, control), async (harness) => {
        await startDeployment(harness, `${app}-stable`, options.fromVersion, { track: 'stable' })
        // idle: the Service selects the stable track only, so the canary's pods run but never get traffic.
        if (scenario.canary === 'idle')
          harness.endpoints.setSelector({ app, track: 'stable' }, 'the Service selects track=stable only')
        return modelBackend(harness, {
          [`${app}-canary`]: {
            version: options.toVersion,
            labels: { track: 'canary' },
            ...(scenario.canary === 'bad' ? { env: { [errorEnv]: String(scenario.badErrorPercent) } } : {}),
          },
        })
      })
      await inner.setup(h)
    },
    execute: (h) => inner?.execute(h) ?? Promise.resolve(),
    details(h) {
      const found = inner?.details(h) ?? {}
      const section = found.progressive as { prometheus?: string } | undefined
      if (section && metrics) section.prometheus = metrics.prometheus.url
      return found
    },
    cleanup: () => metrics?.stop() ?? Promise.resolve(),
  }
}

export default defineScenario({
  kind: 'progressive',
  summary: 'a canary promoted step by step only while Prometheus shows it as good as the stable',
  order: 45,
  inAll: false,
  options: Options,
  ...REPLICA_STEPS,
  runner: progressive,
})
