import { setTimeout as sleep } from 'node:timers/promises'
import type { RolloutOptions } from '../options.ts'
import type { AbScenario } from '../scenario.ts'
import { FLAG_SETTLE_MS } from './canary-flags.ts'
import { type CohortStats, cohorts, switchedUsers, within } from './cohorts.ts'
import {
  GatewayRun,
  gatewayRef,
  startRecommendationsLoad,
  waitForBackendsAndGateway,
} from './gateway-front.ts'
import type { ScenarioRunner } from './runner.ts'

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
  const latency = Number(options.service.env?.RECOMMENDATIONS_LATENCY_MS ?? 0)
  const variant = (algorithm: string, latencyMs: number) => ({
    ...options.service,
    env: {
      ...options.service.env,
      RECOMMENDATIONS_ALGORITHM: algorithm,
      RECOMMENDATIONS_LATENCY_MS: String(Math.min(5000, latencyMs)),
    },
  })

  return {
    name: 'ab',
    description: `A/B: ${AB_FLAG} a=100 → a=${scenario.weights.a},b=${scenario.weights.b}`,
    toVersion: undefined,
    async setup(h) {
      const { flags, front } = await run.prepare(h, [{ flag: AB_FLAG, variants: { a: 100, b: 0 } }])
      const serviceA = await h.addService('recommendations-a', { app: 'recommendations', variant: 'a' })
      const serviceB = await h.addService('recommendations-b', { app: 'recommendations', variant: 'b' })
      const routes = {
        upstreams: { 'recommendations-a': serviceA.origin, 'recommendations-b': serviceB.origin },
        routes: [
          {
            name: 'recommendations',
            prefix: '/api/recommendations',
            rewritePrefix: '/recommendations',
            upstream: 'recommendations-a',
            experiment: { flag: AB_FLAG, variants: { a: 'recommendations-a', b: 'recommendations-b' } },
          },
        ],
      }
      const a = h.deployment('recommendations-a', options.replicas)
      const b = h.deployment('recommendations-b', options.replicas)
      await Promise.all([
        a.create(h.template('a', { variant: 'a' }, variant('popular', latency))),
        b.create(h.template('b', { variant: 'b' }, variant('personalized', latency + scenario.bLatencyMs))),
        front.create(h, gatewayRef(run.stack, routes, flags.path)),
      ])
      await waitForBackendsAndGateway(h, [
        [serviceA, options.replicas],
        [serviceB, options.replicas],
      ])
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
