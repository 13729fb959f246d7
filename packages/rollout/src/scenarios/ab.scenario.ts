import { setTimeout as sleep } from 'node:timers/promises'
import { type Static, Type } from '@sinclair/typebox'
import type { RolloutOptions } from '../run/options.ts'
import { latencyOption, OBSERVED } from './app-options.ts'
import { slowed, startBehindGateway } from './behind-gateway.ts'
import { type CohortStats, cohorts, switchedUsers, within } from './cohorts.ts'
import { defineScenario } from './define.ts'
import { FLAG_SETTLE_MS, GATEWAY_PATHS, GatewayRun, startRecommendationsLoad } from './gateway-front.ts'
import type { ScenarioRunner } from './runner.ts'

const Weight = Type.Integer({ minimum: 0, maximum: 100 })
const Options = Type.Object({
  weights: Type.Object(
    { a: Weight, b: Weight },
    {
      description: 'weights of the experiment once it starts (before it, everyone gets a)',
      default: { a: 50, b: 50 },
      flag: 'variants',
      rule: 'must give a and b as whole percentages summing to 100, e.g. a=80,b=20',
    },
  ),
  bLatencyMs: latencyOption('extra latency of variant b, to see per-variant latency differ'),
  ...OBSERVED,
})

export type AbScenario = Static<typeof Options>

export const AB_FLAG = 'recommendations-ab'

export interface AbDetails {
  flag: string
  /** Variant weights (percent) set when the experiment started; before it, all users got a. */
  weights: { a: number; b: number }
  startedAtMs?: number
  /** The observed window, once the weights had reached the gateway. */
  fromMs?: number
  toMs?: number
  /** Requests in the window by the variant the gateway chose (`x-zdd-route`): share, users, latency. */
  variants: Record<string, CohortStats>
  /** Requests answered by the other variant's deployment than the one the gateway named (must be 0). */
  misrouted: number
  /** Users answered by both variants within the window (sticky assignment: 0). */
  switchedUsers: number
  /** Answers by variant that arrived before the weights were written (everyone on a: no b). */
  beforeStart: Record<string, number>
  users: number
}

/**
 * A/B through a real gateway: recommendations a (popular) and b (personalized) as two Deployments behind
 * their own Services; the gateway picks the upstream by the user's variant of `recommendations-ab`. The
 * run starts with every user on a, then sets the experiment's weights and observes each variant's share of
 * requests and users, and its latency. Nothing is redeployed.
 */
export function ab(options: RolloutOptions, scenario: AbScenario): ScenarioRunner {
  const run = new GatewayRun(options)
  const details: AbDetails = {
    flag: AB_FLAG,
    weights: scenario.weights,
    variants: {},
    misrouted: 0,
    switchedUsers: 0,
    beforeStart: {},
    users: scenario.users,
  }

  return {
    name: 'ab',
    description: `A/B: ${AB_FLAG} a=100 → a=${scenario.weights.a},b=${scenario.weights.b}`,
    toVersion: undefined,
    async setup(h) {
      await run.prepare(h, [{ flag: AB_FLAG, variants: { a: 100, b: 0 } }])
      const variant = (name: 'a' | 'b', algorithm: string, extraMs: number) => ({
        name: `recommendations-${name}`,
        labels: { variant: name },
        version: name,
        replicas: options.replicas,
        service: slowed(options.service, 'RECOMMENDATIONS_LATENCY_MS', extraMs, {
          RECOMMENDATIONS_ALGORITHM: algorithm,
        }),
      })
      await startBehindGateway(
        h,
        run,
        [variant('a', 'popular', 0), variant('b', 'personalized', scenario.bLatencyMs)],
        {
          name: 'recommendations',
          prefix: GATEWAY_PATHS.recommendations,
          rewritePrefix: '/recommendations',
          experiment: { flag: AB_FLAG, variants: { a: 'recommendations-a', b: 'recommendations-b' } },
        },
      )
    },
    startLoad(h) {
      startRecommendationsLoad(h, scenario.users)
    },
    async execute(h) {
      const { flags } = run
      if (!flags) return
      const { a, b } = scenario.weights
      h.progress.phase = `a=${a} b=${b}`
      details.startedAtMs = Math.round(h.clock())
      flags.edit([{ flag: AB_FLAG, variants: { a, b } }])
      h.events.record({ type: 'weight-changed', detail: `${AB_FLAG} a=100,b=0 → a=${a},b=${b}` })
      await sleep(FLAG_SETTLE_MS, undefined, { ref: false })
      const fromMs = h.clock()
      await sleep(scenario.holdMs, undefined, { ref: false })
      const toMs = h.clock()
      await h.answersUntil(toMs)
      details.fromMs = Math.round(fromMs)
      details.toMs = Math.round(toMs)
      const records = within(h.records, fromMs, toMs)
      details.variants = cohorts(records, (r) => r.variant)
      details.misrouted = records.filter((r) => r.version && r.variant && r.version !== r.variant).length
      details.switchedUsers = switchedUsers(records, (r) => r.variant).length
      for (const r of h.records) {
        if (r.variant && r.tMs + r.latencyMs < (details.startedAtMs ?? 0)) {
          details.beforeStart[r.variant] = (details.beforeStart[r.variant] ?? 0) + 1
        }
      }
      const shares = Object.entries(details.variants)
        .map(([name, c]) => `${name} ${Math.round(c.share * 100)}% (p99 ${c.latencyMs.p99} ms)`)
        .join(', ')
      h.events.record({ type: 'observed', detail: `experiment: ${shares}` })
    },
    collect: () => run.collect(),
    cleanup: () => run.cleanup(),
    details: () => ({ ab: details, ...run.details() }),
  }
}

export default defineScenario({
  kind: 'ab',
  summary: "A/B: recommendations a and b behind the gateway, users split by the experiment's variant weights",
  order: 70,
  gateway: true,
  options: Options,
  // The variants answer as versions a and b.
  runDefaults: { replicas: 2, fromVersion: 'a', toVersion: 'b' },
  service: () => ({
    name: 'recommendations',
    path: '/recommendations',
    latencyEnv: 'RECOMMENDATIONS_LATENCY_MS',
  }),
  check: (scenario) =>
    scenario.weights.a + scenario.weights.b === 100
      ? []
      : [
          {
            option: 'weights',
            rule: 'must give a and b as whole percentages summing to 100, e.g. a=80,b=20',
            got: scenario.weights,
          },
        ],
  runner: ab,
})
