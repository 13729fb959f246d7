import { setTimeout as sleep } from 'node:timers/promises'
import { type Static, Type } from '@sinclair/typebox'
import type { RequestRecord } from '../run/load.ts'
import type { RolloutOptions } from '../run/options.ts'
import { latencyOption, USERS } from './app-options.ts'
import { slowed, startBehindGateway } from './behind-gateway.ts'
import { type CohortStats, cohorts, within } from './cohorts.ts'
import { defineScenario } from './define.ts'
import { CANARY_FLAG, FLAG_SETTLE_MS, GATEWAY_PATHS, GatewayRun } from './gateway-front.ts'
import type { ScenarioRunner } from './runner.ts'

const Options = Type.Object({
  percentages: Type.Array(Type.Integer({ minimum: 1, maximum: 100 }), {
    description: 'rollout % of users at each step, rising, through the catalog-canary flag',
    default: [5, 25, 50, 100],
    minItems: 1,
    rising: true,
    rule: 'must be rising whole percentages from 1 to 100, e.g. 5,25,50,100',
  }),
  stepPauseMs: Type.Integer({
    description: 'observation at each step, once the gateway has the new %',
    default: 2000,
    minimum: 100,
    maximum: 600_000,
  }),
  maxErrorPercent: Type.Number({
    description: "abort (back to 0 %) when the canary's error rate at a step exceeds this %",
    default: 0,
    minimum: 0,
    maximum: 100,
  }),
  maxP99Ms: Type.Integer({
    description: "abort (back to 0 %) when the canary's p99 latency at a step exceeds this",
    default: 1000,
    minimum: 1,
    maximum: 600_000,
  }),
  canaryLatencyMs: latencyOption('extra latency of the canary (a bad canary, to see the abort)'),
  users: USERS,
})

export type CanaryFlagsScenario = Static<typeof Options>

export interface CanaryFlagsStep {
  /** Rollout % of users set at this step. */
  percent: number
  /** When the flag file was written, and the observed window after it had settled (harness clock). */
  changedAtMs: number
  fromMs: number
  toMs: number
  /** Requests in the window by the gateway's track (`x-zdd-route`): stable, canary, unattributed. */
  tracks: Record<string, CohortStats>
  decision: 'continue' | 'abort'
  /** The numbers behind the decision, in words. */
  reason: string
}

export interface CanaryFlagsDetails {
  flag: string
  percentages: number[]
  thresholds: { maxErrorPercent: number; maxP99Ms: number }
  canaryLatencyMs: number
  users: number
  steps: CanaryFlagsStep[]
  /** Every step passed: the canary has 100 % of the users (or the last step's share). */
  completed: boolean
  /** Users answered by the canary and later by the stable while the percentage only rose: sticky = 0. */
  leftCanary: number
  /** From the first flag change to the first answer from the canary track. */
  firstCanaryAfterMs?: number
}

/**
 * App-level canary through a real gateway: stable and canary Deployments behind their own Services, the
 * gateway in front routing per user by the `catalog-canary` rollout % (Unleash's sticky hashing on the
 * user id). The runner raises the percentage step by step in the offline flags file the gateway watches;
 * at each step it compares the tracks and aborts (back to 0 %) when the canary's error rate or p99 passes
 * its threshold. No pod is stopped: traffic moves by routing alone.
 */
export function canaryFlags(options: RolloutOptions, scenario: CanaryFlagsScenario): ScenarioRunner {
  const run = new GatewayRun(options)
  let aborted: string | undefined
  const details: CanaryFlagsDetails = {
    flag: CANARY_FLAG,
    percentages: scenario.percentages,
    thresholds: { maxErrorPercent: scenario.maxErrorPercent, maxP99Ms: scenario.maxP99Ms },
    canaryLatencyMs: scenario.canaryLatencyMs,
    users: scenario.users,
    steps: [],
    completed: false,
    leftCanary: 0,
  }

  const judge = (canary: CohortStats | undefined, stable: CohortStats | undefined) => {
    const describe = (name: string, c: CohortStats | undefined) =>
      c
        ? `${name} ${c.failed}/${c.requests} failed (${c.errorPercent}%), p99 ${c.latencyMs.p99} ms, ${Math.round(c.share * 100)}% of requests`
        : `${name} no requests`
    const numbers = `${describe('canary', canary)}; ${describe('stable', stable)}`
    if (canary && canary.errorPercent > scenario.maxErrorPercent) {
      return {
        abort: true,
        reason: `canary error rate ${canary.errorPercent}% > ${scenario.maxErrorPercent}% (${numbers})`,
      }
    }
    if (canary && canary.latencyMs.p99 > scenario.maxP99Ms) {
      return {
        abort: true,
        reason: `canary p99 ${canary.latencyMs.p99} ms > ${scenario.maxP99Ms} ms (${numbers})`,
      }
    }
    const within = `within ${scenario.maxErrorPercent}% errors and p99 ${scenario.maxP99Ms} ms`
    return { abort: false, reason: canary ? `${within} (${numbers})` : `nothing to judge yet (${numbers})` }
  }

  return {
    name: 'canary-flags',
    description: `app-level canary: ${CANARY_FLAG} ${scenario.percentages.join(' → ')} % of users`,
    toVersion: options.toVersion,
    async setup(h) {
      await run.prepare(h, [{ flag: CANARY_FLAG, rollout: 0 }])
      const track = (track: 'stable' | 'canary', version: string, replicas: number, extraMs: number) => ({
        name: track === 'stable' ? 'catalog' : 'catalog-canary',
        deployment: `catalog-${track}`,
        labels: { track },
        version,
        replicas,
        service: run.withFlags(slowed(options.service, 'CATALOG_LATENCY_MS', extraMs)),
      })
      await startBehindGateway(
        h,
        run,
        [
          track('stable', options.fromVersion, options.replicas, 0),
          track('canary', options.toVersion, 1, scenario.canaryLatencyMs),
        ],
        {
          name: 'catalog',
          prefix: '/api/catalog',
          canary: { flag: CANARY_FLAG, upstream: 'catalog-canary' },
        },
      )
    },
    startLoad(h) {
      h.startLoad(h.serviceOrigin, { path: GATEWAY_PATHS.catalog, users: scenario.users, idleFirst: true })
    },
    async execute(h) {
      const { flags } = run
      if (!flags) return
      let previous = 0
      for (const [index, percent] of scenario.percentages.entries()) {
        h.progress.phase = `${percent}% users`
        const changedAtMs = h.clock()
        flags.edit([{ flag: CANARY_FLAG, rollout: percent }])
        h.events.record({
          type: 'weight-changed',
          version: options.toVersion,
          detail: `${CANARY_FLAG} ${previous}% → ${percent}%`,
        })
        previous = percent
        await sleep(FLAG_SETTLE_MS, undefined, { ref: false })
        const fromMs = h.clock()
        await sleep(scenario.stepPauseMs, undefined, { ref: false })
        const toMs = h.clock()
        h.progress.phase = `${percent}% judge`
        await h.answersUntil(toMs)
        const tracks = cohorts(within(h.records, fromMs, toMs), (r) => r.track)
        const verdict = judge(tracks.canary, tracks.stable)
        const step: CanaryFlagsStep = {
          percent,
          changedAtMs: Math.round(changedAtMs),
          fromMs: Math.round(fromMs),
          toMs: Math.round(toMs),
          tracks,
          decision: verdict.abort ? 'abort' : 'continue',
          reason: verdict.reason,
        }
        details.steps.push(step)
        const last = index === scenario.percentages.length - 1
        h.events.record({
          type: 'canary-observed',
          detail: `${percent}%: ${verdict.abort ? 'ABORT' : last ? 'done' : 'continue'}: ${verdict.reason}`,
        })
        if (verdict.abort) {
          aborted = `canary-flags aborted at ${percent}%: ${verdict.reason}; ${CANARY_FLAG} set back to 0%`
          h.progress.phase = 'abort'
          flags.edit([{ flag: CANARY_FLAG, rollout: 0 }])
          h.events.record({ type: 'weight-changed', detail: `${CANARY_FLAG} ${percent}% → 0% (abort)` })
          h.events.record({ type: 'rollout-aborted', detail: aborted })
          await sleep(FLAG_SETTLE_MS, undefined, { ref: false })
          return
        }
      }
      details.completed = true
    },
    collect: () => run.collect(),
    cleanup: () => run.cleanup(),
    details(h) {
      const first = details.steps[0]
      const last = details.steps.at(-1)
      if (first && last) {
        const rising = within(h.records, first.changedAtMs, last.toMs)
        details.leftCanary = leftCanary(rising)
        const firstCanary = rising.find((r) => r.track === 'canary' && !r.failure)
        if (firstCanary) details.firstCanaryAfterMs = Math.round(firstCanary.tMs - first.changedAtMs)
      }
      return {
        canaryFlags: details,
        ...run.details(),
        ...(aborted ? { aborted } : {}),
      }
    },
  }
}

/** Users answered by the canary and later by the stable (in send order; records are in answer order). */
function leftCanary(records: readonly RequestRecord[]): number {
  const onCanary = new Set<string>()
  const left = new Set<string>()
  for (const record of [...records].sort((a, b) => a.tMs - b.tMs)) {
    if (!record.user || record.failure) continue
    if (record.track === 'canary') onCanary.add(record.user)
    else if (record.track === 'stable' && onCanary.has(record.user)) left.add(record.user)
  }
  return left.size
}

export default defineScenario({
  kind: 'canary-flags',
  summary: 'app-level canary: the gateway sends a rising % of users to the canary Deployment (a flag)',
  order: 60,
  gateway: true,
  options: Options,
  runDefaults: { replicas: 2 },
  runner: canaryFlags,
})
