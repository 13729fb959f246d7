import { setTimeout as sleep } from 'node:timers/promises'
import { type Static, Type } from '@sinclair/typebox'
import type { RequestRecord } from '../run/load.ts'
import type { RolloutOptions } from '../run/options.ts'
import { OBSERVED } from './app-options.ts'
import { startBehindGateway } from './behind-gateway.ts'
import { switchedUsers, within } from './cohorts.ts'
import { defineScenario } from './define.ts'
import { FLAG_SETTLE_MS, GATEWAY_PATHS, GatewayRun } from './gateway-front.ts'
import type { ScenarioRunner } from './runner.ts'

const Options = Type.Object({
  rollout: Type.Integer({
    description: '% of users the catalog-discount switch is on for once flipped',
    default: 100,
    minimum: 1,
    maximum: 100,
  }),
  ...OBSERVED,
})

export type FeatureSwitchScenario = Static<typeof Options>

export const SWITCH_FLAG = 'catalog-discount'
/** What a response with the switch's behaviour is marked with: its items carry `discountPercent`. */
export const SWITCH_MARK = 'discount'
const SERIES_MS = 500

export interface FeatureSwitchDetails {
  flag: string
  mark: string
  /** % of users the switch is on for once flipped. */
  rollout: number
  flippedAtMs?: number
  /** Share of successful answers with the new behaviour before the flip, and once it had settled. */
  shareBefore: number
  shareAfter: number
  /** From the flip to the first answer with the new behaviour (answer times, as every figure here). */
  firstNewAfterMs?: number
  /** With the switch on for everyone: from the flip to the last answer without it (every pod has read it). */
  lastOldAfterMs?: number
  /** Per 500 ms of answer time: successful answers and the share with the new behaviour. */
  series: Array<{ tMs: number; ok: number; share: number }>
  /** Users who got both behaviours once the switch had settled (evaluated per user: 0). */
  switchedUsers: number
}

/**
 * A feature switch inside the service: one catalog Deployment behind the gateway, `catalog-discount` off,
 * then flipped on for a % of users in the flags file every catalog pod watches. The load marks each answer
 * that shows the new behaviour (discounted items), so the report has its share over time. No deploy.
 */
export function featureSwitch(options: RolloutOptions, scenario: FeatureSwitchScenario): ScenarioRunner {
  const run = new GatewayRun(options)
  const details: FeatureSwitchDetails = {
    flag: SWITCH_FLAG,
    mark: SWITCH_MARK,
    rollout: scenario.rollout,
    shareBefore: 0,
    shareAfter: 0,
    series: [],
    switchedUsers: 0,
  }

  return {
    name: 'feature-switch',
    description: `feature switch: ${SWITCH_FLAG} off → on for ${scenario.rollout}% of users`,
    toVersion: undefined,
    async setup(h) {
      await run.prepare(h, [
        { flag: SWITCH_FLAG, rollout: scenario.rollout },
        { flag: SWITCH_FLAG, enabled: false },
      ])
      const catalog = {
        name: 'catalog',
        labels: {},
        version: options.fromVersion,
        replicas: options.replicas,
        service: run.withFlags(options.service),
      }
      await startBehindGateway(h, run, [catalog], { name: 'catalog', prefix: '/api/catalog' })
    },
    startLoad(h) {
      h.startLoad(h.serviceOrigin, {
        path: GATEWAY_PATHS.catalog,
        users: scenario.users,
        idleFirst: true,
        markOf: (body) => (body.includes('"discountPercent"') ? SWITCH_MARK : undefined),
      })
    },
    async execute(h) {
      const { flags } = run
      if (!flags) return
      h.progress.phase = 'switch on'
      details.flippedAtMs = Math.round(h.clock())
      flags.edit([{ flag: SWITCH_FLAG, enabled: true }])
      h.events.record({
        type: 'flag-changed',
        detail: `${SWITCH_FLAG} on for ${scenario.rollout}% of users`,
      })
      await sleep(scenario.holdMs, undefined, { ref: false })
    },
    collect: () => run.collect(),
    cleanup: () => run.cleanup(),
    details(h) {
      const flipped = details.flippedAtMs
      if (flipped !== undefined) {
        // The switch is evaluated when the catalog answers: judge each answer at its answer time, not at
        // its (open-loop) send time, or requests queued across the flip blur it.
        const answers = h.records.map((r) => ({ ...r, tMs: r.tMs + r.latencyMs }))
        const settled = within(answers, flipped + FLAG_SETTLE_MS, Number.POSITIVE_INFINITY)
        details.shareBefore = share(within(answers, 0, flipped))
        details.shareAfter = share(settled)
        const after = within(answers, flipped, Number.POSITIVE_INFINITY).filter((r) => !r.failure)
        const firstNew = after.filter((r) => r.mark).reduce((min, r) => Math.min(min, r.tMs), Infinity)
        if (Number.isFinite(firstNew)) details.firstNewAfterMs = Math.round(firstNew - flipped)
        if (scenario.rollout === 100) {
          const lastOld = after.filter((r) => !r.mark).reduce((max, r) => Math.max(max, r.tMs), -Infinity)
          details.lastOldAfterMs = Number.isFinite(lastOld) ? Math.round(lastOld - flipped) : 0
        }
        details.switchedUsers = switchedUsers(settled, (r) => r.mark ?? 'old').length
        details.series = series(answers)
      }
      return { featureSwitch: details, ...run.details() }
    },
  }
}

function share(records: readonly RequestRecord[]): number {
  const ok = records.filter((r) => !r.failure)
  return Math.round((1000 * ok.filter((r) => r.mark).length) / Math.max(1, ok.length)) / 1000
}

function series(records: readonly RequestRecord[]): FeatureSwitchDetails['series'] {
  const first = records.reduce((min, r) => Math.min(min, r.tMs), Infinity)
  const last = records.reduce((max, r) => Math.max(max, r.tMs), -Infinity)
  if (!Number.isFinite(first)) return []
  const result: FeatureSwitchDetails['series'] = []
  for (let t = first; t <= last; t += SERIES_MS) {
    const ok = within(records, t, t + SERIES_MS - 1e-9).filter((r) => !r.failure)
    result.push({ tMs: Math.round(t), ok: ok.length, share: share(ok) })
  }
  return result
}

export default defineScenario({
  kind: 'feature-switch',
  summary:
    'a feature switch: one Deployment, the catalog-discount switch flipped on mid-run for a % of users',
  order: 90,
  gateway: true,
  options: Options,
  runDefaults: { replicas: 2 },
  runner: featureSwitch,
})
