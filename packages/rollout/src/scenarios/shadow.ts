import { setTimeout as sleep } from 'node:timers/promises'
import type { RolloutOptions } from '../options.ts'
import type { ShadowScenario } from '../scenario.ts'
import { FLAG_SETTLE_MS } from './canary-flags.ts'
import { within } from './cohorts.ts'
import {
  GatewayRun,
  gatewayRef,
  startRecommendationsLoad,
  waitForBackendsAndGateway,
} from './gateway-front.ts'
import type { MismatchSample } from './gateway-metrics.ts'
import type { ScenarioRunner } from './runner.ts'

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
  const latency = Number(options.service.env?.RECOMMENDATIONS_LATENCY_MS ?? 0)
  const recommendations = (algorithm: string, latencyMs: number) => ({
    ...options.service,
    env: {
      ...options.service.env,
      RECOMMENDATIONS_ALGORITHM: algorithm,
      RECOMMENDATIONS_LATENCY_MS: String(Math.min(5000, latencyMs)),
    },
  })

  return {
    name: 'shadow',
    description: `shadow: ${SHADOW_FLAG} on for ${scenario.holdMs} ms, ${options.toVersion} (${scenario.shadowAlgorithm}) mirrored`,
    toVersion: undefined,
    async setup(h) {
      const { flags, front } = await run.prepare(h, [{ flag: SHADOW_FLAG, enabled: false }])
      const primary = await h.addService('recommendations', { app: 'recommendations', role: 'primary' })
      const mirror = await h.addService('recommendations-shadow', { app: 'recommendations', role: 'shadow' })
      const routes = {
        upstreams: { recommendations: primary.origin, 'recommendations-shadow': mirror.origin },
        routes: [
          {
            name: 'recommendations',
            prefix: '/api/recommendations',
            rewritePrefix: '/recommendations',
            upstream: 'recommendations',
            shadow: {
              upstream: 'recommendations-shadow',
              flag: SHADOW_FLAG,
              ignore: ['version', 'algorithm'],
            },
          },
        ],
      }
      const primaryDeployment = h.deployment('recommendations', options.replicas)
      const shadowDeployment = h.deployment('recommendations-shadow', options.replicas)
      await Promise.all([
        primaryDeployment.create(
          h.template(options.fromVersion, { role: 'primary' }, recommendations('popular', latency)),
        ),
        shadowDeployment.create(
          h.template(
            options.toVersion,
            { role: 'shadow' },
            recommendations(scenario.shadowAlgorithm, latency + scenario.shadowLatencyMs),
          ),
        ),
        front.create(h, gatewayRef(run.stack, routes, flags.path)),
      ])
      await waitForBackendsAndGateway(h, [
        [primary, options.replicas],
        [mirror, options.replicas],
      ])
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
