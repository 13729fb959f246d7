import { invalidOption } from '../schema/rules.ts'

/** An absolute count or a percentage of the desired replicas, as in a Deployment's rollingUpdate. */
export type IntOrPercent = number | `${number}%`

export type Strategy =
  | { type: 'RollingUpdate'; maxSurge: IntOrPercent; maxUnavailable: IntOrPercent }
  | { type: 'Recreate' }

export interface ResolvedRolling {
  maxSurge: number
  maxUnavailable: number
}

/**
 * Kubernetes' rounding: maxSurge rounds up, maxUnavailable rounds down; both zero is invalid
 * (apps/v1 validation), since the rollout could never make progress.
 */
export function resolveRolling(
  replicas: number,
  maxSurge: IntOrPercent,
  maxUnavailable: IntOrPercent,
): ResolvedRolling {
  const surge = scaled('maxSurge', maxSurge, replicas, Math.ceil)
  const unavailable = scaled('maxUnavailable', maxUnavailable, replicas, Math.floor)
  if (surge === 0 && unavailable === 0) {
    throw invalidOption(
      'maxSurge',
      `and maxUnavailable both resolve to 0 with ${replicas} replicas, so the rollout could never progress; set maxSurge ≥ 1`,
      maxSurge,
    )
  }
  return { maxSurge: surge, maxUnavailable: unavailable }
}

export function parseIntOrPercent(name: string, text: string): IntOrPercent {
  if (/^\d+%$/.test(text)) return text as `${number}%`
  if (/^\d+$/.test(text)) return Number(text)
  throw invalidOption(name, 'must be a whole number or a percentage like 25%', text)
}

function scaled(name: string, value: IntOrPercent, replicas: number, round: (n: number) => number): number {
  if (typeof value === 'number') {
    if (!Number.isInteger(value) || value < 0) throw invalidOption(name, 'must be a whole number ≥ 0', value)
    return value
  }
  const percent = Number(value.slice(0, -1))
  if (!Number.isFinite(percent) || percent < 0) throw invalidOption(name, 'must be a percentage ≥ 0%', value)
  return round((percent * replicas) / 100)
}
