import { setTimeout as sleep } from 'node:timers/promises'
import type { Backend } from '../plans/backend.ts'
import { canaryReplicasFor, type TrafficShift, weightedRoute } from '../plans/shift.ts'
import type { Harness, ServiceRef } from '../run/harness.ts'
import type { RolloutOptions } from '../run/options.ts'
import { startBehindGateway } from './behind-gateway.ts'
import { CANARY_FLAG, FLAG_SETTLE_MS, type GatewayRun } from './gateway-front.ts'
import { modelBackend } from './model-backend.ts'

export interface GatewayCanaryOptions {
  canary: 'good' | 'bad' | 'idle'
  /** The canary's share at each step, in percent. */
  weights: readonly number[]
  /** The bad build's environment (its error knob). */
  badEnv: Record<string, string>
}

/**
 * The progressive canary's starting state with the gateway's weighted route (the app-level canary of
 * k8s/overlays/canary-flags' kind): catalog-stable and catalog-canary (0 pods) behind Services of their
 * own, the gateway in front routing each user by the `catalog-canary` flag's rollout %, which the shift
 * sets in the run's flags file. idle: the gateway's route has no canary, so the flag moves nothing.
 */
export async function startGatewayCanary(
  h: Harness,
  run: GatewayRun,
  options: RolloutOptions,
  o: GatewayCanaryOptions,
): Promise<{ backend: Backend; shift: TrafficShift }> {
  const app = options.service.name
  const { flags } = await run.prepare(h, [{ flag: CANARY_FLAG, rollout: 0 }])
  const canaryReplicas = canaryReplicasFor(options.replicas, o.weights)
  const service = (env: Record<string, string>): ServiceRef => {
    const ref = run.withFlags(options.service)
    return { ...ref, env: { ...ref.env, ...env } }
  }
  const [, canaryService] = await startBehindGateway(
    h,
    run,
    [
      {
        name: app,
        deployment: `${app}-stable`,
        labels: { track: 'stable' },
        version: options.fromVersion,
        replicas: options.replicas,
        service: service({}),
      },
      {
        name: `${app}-canary`,
        labels: { track: 'canary' },
        version: options.toVersion,
        replicas: 0,
        service: service(o.canary === 'bad' ? o.badEnv : {}),
      },
    ],
    {
      name: app,
      prefix: '/api/catalog',
      ...(o.canary === 'idle' ? {} : { canary: { flag: CANARY_FLAG, upstream: `${app}-canary` } }),
    },
  )
  let current = 0
  const shift = weightedRoute({
    app,
    replicas: options.replicas,
    canaryReplicas,
    weights: o.weights,
    mechanism: `gateway flag ${CANARY_FLAG}`,
    async setWeight(percent) {
      // The canary's Service has its pods before the gateway sends it anyone.
      if (percent > 0 && canaryService) await h.waitForEndpoints(canaryReplicas, canaryService)
      flags.edit([{ flag: CANARY_FLAG, rollout: percent }])
      h.events.record({
        type: 'weight-changed',
        version: options.toVersion,
        detail: `${CANARY_FLAG} ${current}% → ${percent}%`,
      })
      current = percent
      await sleep(FLAG_SETTLE_MS, undefined, { ref: false })
    },
  })
  return { backend: modelBackend(h), shift }
}
