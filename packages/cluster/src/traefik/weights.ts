import { setTimeout as sleep } from 'node:timers/promises'
import { TraefikWeightError } from '../errors.ts'
import type { ClusterContext } from '../scenarios/context.ts'
import type { Traefik } from './start.ts'

/** Which object carries the canary's weight: a TraefikService (canary-traefik) or an HTTPRoute (canary-gateway-api). */
export type WeightedRouteKind = 'traefik' | 'httproute'

/** The object and JSON paths of its two weights, stable first, in each overlay. */
const ROUTES: Record<WeightedRouteKind, { object: string; weights: [string, string] }> = {
  traefik: {
    object: 'traefikservice/catalog-weighted',
    weights: ['/spec/weighted/services/0/weight', '/spec/weighted/services/1/weight'],
  },
  httproute: {
    object: 'httproute/catalog',
    weights: ['/spec/rules/0/backendRefs/0/weight', '/spec/rules/0/backendRefs/1/weight'],
  },
}

interface ApiService {
  name: string
  weighted?: { services?: { name: string; weight?: number }[] }
}

/**
 * Sets the canary's weight (the stable gets the rest of 100) on the overlay's object with `kubectl patch`,
 * then waits until Traefik runs it: its API lists a weighted service over catalog-stable and
 * catalog-canary with exactly these weights (a weight-0 backend may be left out of the list).
 */
export async function setRouteWeight(
  ctx: ClusterContext,
  traefik: Traefik,
  kind: WeightedRouteKind,
  percent: number,
  timeoutMs = 30_000,
): Promise<void> {
  const route = ROUTES[kind]
  const patch = [
    { op: 'replace', path: route.weights[0], value: 100 - percent },
    { op: 'replace', path: route.weights[1], value: percent },
  ]
  await ctx.kubectl(['-n', ctx.namespace, 'patch', route.object, '--type=json', '-p', JSON.stringify(patch)])
  const deadline = Date.now() + timeoutMs
  let seen = 'nothing yet'
  for (;;) {
    const weights = await runningWeights(traefik)
    if (weights) {
      seen = JSON.stringify(weights)
      if ((weights.canary ?? 0) === percent && (weights.stable ?? 0) === 100 - percent) return
    }
    if (Date.now() > deadline)
      throw new TraefikWeightError(
        `the canary weight ${percent} % of ${route.object}`,
        timeoutMs / 1000,
        seen,
      )
    await sleep(50, undefined, { ref: false })
  }
}

/** The weights of the weighted service over catalog-stable and catalog-canary Traefik runs now, if any. */
export async function runningWeights(
  traefik: Traefik,
): Promise<{ stable?: number; canary?: number } | undefined> {
  const response = await fetch(`${traefik.api}/api/http/services`, {
    signal: AbortSignal.timeout(2000),
  }).catch(() => undefined)
  if (!response?.ok) return undefined
  const services = (await response.json()) as ApiService[]
  for (const service of services) {
    const members = service.weighted?.services ?? []
    const stable = members.find((m) => m.name.includes('catalog-stable'))
    const canary = members.find((m) => m.name.includes('catalog-canary'))
    if (stable || canary) return { stable: stable?.weight ?? 0, canary: canary?.weight ?? 0 }
  }
  return undefined
}
