import type { ResolvedRoute } from './load.ts'

export type Track = 'stable' | 'canary'

/** What the gateway needs from the flag evaluation for one request (request.flags of @zdd/flags). */
export interface Cohort {
  userId: string
  isEnabled(flag: string): boolean
  variant(flag: string): { name: string; enabled: boolean }
}

export interface Decision {
  route: string
  track: Track
  /** The experiment variant that picked the upstream, or 'none'. */
  variant: string
  upstream: string
}

/**
 * Where one request goes. Track: the override (when allowed and the route has a canary), else the canary
 * flag for this user (its gradual rollout is sticky on userId, so raising the percentage only adds users).
 * Variant: the experiment flag's variant for this user, when the route maps it to an upstream. The canary
 * track wins over the variant's upstream; the variant is still reported and propagated.
 */
export function decide(route: ResolvedRoute, cohort: Cohort, override: Track | undefined): Decision {
  let track: Track = 'stable'
  if (route.canary) track = override ?? (cohort.isEnabled(route.canary.flag) ? 'canary' : 'stable')
  let variant = 'none'
  let upstream = route.upstream
  if (route.experiment) {
    const chosen = cohort.variant(route.experiment.flag)
    const mapped = chosen.enabled ? route.experiment.variants[chosen.name] : undefined
    if (mapped !== undefined) {
      variant = chosen.name
      upstream = mapped
    }
  }
  if (track === 'canary' && route.canary) upstream = route.canary.upstream
  return { route: route.name, track, variant, upstream }
}

export function describeDecision(decision: Decision): string {
  return `${decision.route}; track=${decision.track}; variant=${decision.variant}`
}

/** The `x-zdd-track` override header's value, when it is one of the two tracks. */
export function parseTrack(value: string | string[] | undefined): Track | undefined {
  const text = Array.isArray(value) ? value[0] : value
  const track = text?.trim().toLowerCase()
  return track === 'canary' || track === 'stable' ? track : undefined
}
