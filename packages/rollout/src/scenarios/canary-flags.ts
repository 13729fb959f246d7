import { setTimeout as sleep } from 'node:timers/promises'
import type { RequestRecord } from '../load.ts'
import type { RolloutOptions } from '../options.ts'
import type { CanaryFlagsScenario } from '../scenario.ts'
import { type CohortStats, cohorts, within } from './cohorts.ts'
import { GATEWAY_PATHS, GatewayRun, gatewayRef, waitForBackendsAndGateway } from './gateway-front.ts'
import type { ScenarioRunner } from './runner.ts'

export const CANARY_FLAG = 'catalog-canary'
/** The gateway polls its flags file every ~250 ms: a change is judged from this long after the write. */
export const FLAG_SETTLE_MS = 600

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
  const stableLatency = Number(options.service.env?.CATALOG_LATENCY_MS ?? 0)

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
      const { flags, front } = await run.prepare(h, [{ flag: CANARY_FLAG, rollout: 0 }])
      const stableService = await h.addService('catalog', { app: 'catalog', track: 'stable' })
      const canaryService = await h.addService('catalog-canary', { app: 'catalog', track: 'canary' })
      const catalog = (latencyMs: number) =>
        run.withFlags({
          ...options.service,
          env: { ...options.service.env, CATALOG_LATENCY_MS: String(latencyMs) },
        })
      const routes = {
        upstreams: { catalog: stableService.origin, 'catalog-canary': canaryService.origin },
        routes: [
          {
            name: 'catalog',
            prefix: '/api/catalog',
            upstream: 'catalog',
            canary: { flag: CANARY_FLAG, upstream: 'catalog-canary' },
          },
        ],
      }
      const stable = h.deployment('catalog-stable', options.replicas)
      const canary = h.deployment('catalog-canary', 1)
      const canaryLatency = Math.min(5000, stableLatency + scenario.canaryLatencyMs)
      await Promise.all([
        stable.create(h.template(options.fromVersion, { track: 'stable' }, catalog(stableLatency))),
        canary.create(h.template(options.toVersion, { track: 'canary' }, catalog(canaryLatency))),
        front.create(h, gatewayRef(run.stack, routes, flags.path)),
      ])
      await waitForBackendsAndGateway(h, [
        [stableService, options.replicas],
        [canaryService, 1],
      ])
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
