import type { ResolvedRoute } from '@zdd/routes'

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

/** A decision with what the proxy sends for it; made once per route, track and variant, then shared. */
export interface Routed {
  readonly decision: Readonly<Decision>
  /** `x-zdd-route` on the response. */
  readonly header: string
  /** Our baggage members but the user: `zdd.track=…,zdd.variant=…`. */
  readonly baggage: string
}

// route → track → variant → Routed; a route's decisions are bounded by its track and variant names.
const ROUTED = new WeakMap<ResolvedRoute, Record<Track, Map<string, Routed>>>()

/**
 * Where one request goes. Track: the override (when allowed and the route has a canary), else the canary
 * flag for this user (its gradual rollout is sticky on userId, so raising the percentage only adds users).
 * Variant: the experiment flag's variant for this user, when the route maps it to an upstream. The canary
 * track wins over the variant's upstream; the variant is still reported and propagated.
 */
export function routeFor(route: ResolvedRoute, cohort: Cohort, override: Track | undefined): Routed {
  let track: Track = 'stable'
  if (route.canary) track = override ?? (cohort.isEnabled(route.canary.flag) ? 'canary' : 'stable')
  let variant = 'none'
  if (route.experiment) {
    const chosen = cohort.variant(route.experiment.flag)
    if (chosen.enabled && route.experiment.variants[chosen.name] !== undefined) variant = chosen.name
  }
  let byTrack = ROUTED.get(route)
  if (!byTrack) {
    byTrack = { stable: new Map(), canary: new Map() }
    ROUTED.set(route, byTrack)
  }
  return byTrack[track].get(variant) ?? remember(route, byTrack[track], track, variant)
}

function remember(route: ResolvedRoute, into: Map<string, Routed>, track: Track, variant: string): Routed {
  let upstream = route.upstream
  if (variant !== 'none') upstream = route.experiment?.variants[variant] ?? upstream
  if (track === 'canary' && route.canary) upstream = route.canary.upstream
  const decision = Object.freeze({ route: route.name, track, variant, upstream })
  const routed: Routed = {
    decision,
    header: describeDecision(decision),
    baggage: `zdd.track=${track},zdd.variant=${encodeURIComponent(variant)}`,
  }
  into.set(variant, routed)
  return routed
}

/** The decision alone (the page's view of a user's cohort). */
export function decide(target: ResolvedRoute, cohort: Cohort, override: Track | undefined): Decision {
  return { ...routeFor(target, cohort, override).decision }
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
