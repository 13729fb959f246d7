import { setTimeout as sleep } from 'node:timers/promises'
import { type Static, Type } from '@sinclair/typebox'
import type { RolloutOptions } from '../run/options.ts'
import { latencyOption, OBSERVED } from './app-options.ts'
import { slowed, startBehindGateway } from './behind-gateway.ts'
import { within } from './cohorts.ts'
import { defineScenario } from './define.ts'
import { FLAG_SETTLE_MS, GATEWAY_PATHS, GatewayRun, startRecommendationsLoad } from './gateway-front.ts'
import type { MismatchSample } from './gateway-metrics.ts'
import type { ScenarioRunner } from './runner.ts'

const Options = Type.Object({
  shadowAlgorithm: Type.Union([Type.Literal('personalized'), Type.Literal('popular')], {
    description: 'the mirrored version: personalized (answers differ) or popular (like the primary)',
    default: 'personalized',
  }),
  shadowLatencyMs: latencyOption("the shadow's latency; above the gateway's shadow timeout (1000) it errs"),
  ...OBSERVED,
})

export type ShadowScenario = Static<typeof Options>

export const SHADOW_FLAG = 'recommendations-shadow'

export interface ShadowDetails {
  flag: string
  shadowVersion: string
  shadowAlgorithm: string
  onAtMs?: number
  offAtMs?: number
  /** Requests the clients sent while the flag was on (each one a candidate for mirroring). */
  requestsWhileOn: number
  /** The gateway's comparisons (shadow_requests_total): same answer, different answer, shadow failed. */
  results: { match: number; mismatch: number; error: number }
  /** Requests not mirrored (busy: GATEWAY_SHADOW_CONCURRENCY reached) or not compared (too_large). */
  dropped: Record<string, number>
  /** Answers the clients got from the shadow's version: it is never returned, so 0. */
  servedByShadow: number
  /** `shadow mismatch` log lines (at most one per second: the rest are counted, not logged). */
  mismatchLines: number
  samples: MismatchSample[]
}

/**
 * Shadow traffic through a real gateway: the primary recommendations Deployment answers the clients; while
 * `recommendations-shadow` is on, the gateway mirrors each read to a new version behind its own Service and
 * compares the answers (status and JSON body, version and algorithm fields ignored), never returning the
 * shadow's. The report takes the counts from the gateway's /metrics and mismatch samples from its log.
 */
export function shadow(options: RolloutOptions, scenario: ShadowScenario): ScenarioRunner {
  const run = new GatewayRun(options)
  const details: ShadowDetails = {
    flag: SHADOW_FLAG,
    shadowVersion: options.toVersion,
    shadowAlgorithm: scenario.shadowAlgorithm,
    requestsWhileOn: 0,
    results: { match: 0, mismatch: 0, error: 0 },
    dropped: {},
    servedByShadow: 0,
    mismatchLines: 0,
    samples: [],
  }

  return {
    name: 'shadow',
    description: `shadow: ${SHADOW_FLAG} on for ${scenario.holdMs} ms, ${options.toVersion} (${scenario.shadowAlgorithm}) mirrored`,
    toVersion: undefined,
    async setup(h) {
      await run.prepare(h, [{ flag: SHADOW_FLAG, enabled: false }])
      const recommendations = (algorithm: string, extraMs: number) =>
        slowed(options.service, 'RECOMMENDATIONS_LATENCY_MS', extraMs, {
          RECOMMENDATIONS_ALGORITHM: algorithm,
        })
      await startBehindGateway(
        h,
        run,
        [
          {
            name: 'recommendations',
            labels: { role: 'primary' },
            version: options.fromVersion,
            replicas: options.replicas,
            service: recommendations('popular', 0),
          },
          {
            name: 'recommendations-shadow',
            labels: { role: 'shadow' },
            version: options.toVersion,
            replicas: options.replicas,
            service: recommendations(scenario.shadowAlgorithm, scenario.shadowLatencyMs),
          },
        ],
        {
          name: 'recommendations',
          prefix: GATEWAY_PATHS.recommendations,
          rewritePrefix: '/recommendations',
          shadow: { upstream: 'recommendations-shadow', flag: SHADOW_FLAG, ignore: ['version', 'algorithm'] },
        },
      )
    },
    startLoad(h) {
      startRecommendationsLoad(h, scenario.users)
    },
    async execute(h) {
      const { flags } = run
      if (!flags) return
      h.progress.phase = 'mirroring'
      const onAtMs = h.clock()
      flags.edit([{ flag: SHADOW_FLAG, enabled: true }])
      h.events.record({ type: 'flag-changed', version: options.toVersion, detail: `${SHADOW_FLAG} on` })
      await sleep(scenario.holdMs, undefined, { ref: false })
      const offAtMs = h.clock()
      flags.edit([{ flag: SHADOW_FLAG, enabled: false }])
      h.events.record({ type: 'flag-changed', detail: `${SHADOW_FLAG} off` })
      h.progress.phase = 'settle'
      // The gateway keeps mirroring until it reads the file, and comparisons finish after the answers.
      await sleep(FLAG_SETTLE_MS, undefined, { ref: false })
      details.onAtMs = Math.round(onAtMs)
      details.offAtMs = Math.round(offAtMs)
      details.requestsWhileOn = within(h.records, onAtMs, offAtMs).length
    },
    collect: () => run.collect(),
    cleanup: () => run.cleanup(),
    details(h) {
      const counters = run.counters
      if (counters) {
        details.results = {
          match: counters.shadow.match ?? 0,
          mismatch: counters.shadow.mismatch ?? 0,
          error: counters.shadow.error ?? 0,
        }
        details.dropped = counters.shadowDropped
      }
      details.servedByShadow = h.records.filter((r) => r.version === options.toVersion).length
      details.mismatchLines = run.front?.watch.mismatchLines ?? 0
      details.samples = run.front?.watch.mismatches ?? []
      return { shadow: details, ...run.details() }
    },
  }
}

export default defineScenario({
  kind: 'shadow',
  summary: 'shadow traffic: a new version gets a mirrored copy of the reads; clients see the primary only',
  order: 80,
  gateway: true,
  options: Options,
  runDefaults: { replicas: 2 },
  service: () => ({
    name: 'recommendations',
    path: '/recommendations',
    latencyEnv: 'RECOMMENDATIONS_LATENCY_MS',
  }),
  runner: shadow,
})
