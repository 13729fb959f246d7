import { Type } from '@sinclair/typebox'

/** Options the app-level scenarios share: the users the load names, and how long a change is observed. */
export const USERS = Type.Integer({
  description: 'distinct users the load names in x-zdd-user, in turn (the gateway splits per user)',
  default: 1000,
  minimum: 1,
  maximum: 1_000_000,
})

export const HOLD = Type.Integer({
  description: 'how long the change is observed',
  default: 3000,
  minimum: 100,
  maximum: 600_000,
})

/** Extra latency of one version, to make a bad or a slower one (its service's *_LATENCY_MS, at most 5 s). */
export function latencyOption(description: string) {
  return Type.Integer({ description, default: 0, minimum: 0, maximum: 5000 })
}

/** How long the change is observed, for how many users: what ab, shadow and feature-switch share. */
export const OBSERVED = { holdMs: HOLD, users: USERS }
