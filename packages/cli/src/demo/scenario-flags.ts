import { type PdbSpec, SCENARIO_DEFAULTS } from '@zdd/rollout'
import { UsageError } from '../errors.ts'
import type { Flags } from './options.ts'

const DEFAULT_PDB = 'maxUnavailable=1'

/** `--steps 1,2[,all]`: canary replicas per step, increasing, each below --replicas. */
export function stepsFlag(flags: Flags, replicas: number): number[] {
  if (replicas < 2) throw new UsageError(`--replicas must be at least 2 for a canary (got ${replicas})`)
  const fallback = SCENARIO_DEFAULTS.canary.steps.filter((n) => n < replicas).join(',')
  const raw = typeof flags.steps === 'string' ? flags.steps : fallback
  const parts = raw.split(',').map((part) => part.trim())
  if (parts.at(-1) === 'all') parts.pop()
  let previous = 0
  const steps = parts.map((part) => {
    const n = Number(part)
    if (!/^\d+$/.test(part) || n <= previous || n >= replicas) {
      throw new UsageError(
        `--steps must be increasing canary replica counts from 1 to ${replicas - 1} (--replicas ${replicas}), optionally ending in "all" (got "${raw}")`,
      )
    }
    previous = n
    return n
  })
  if (steps.length === 0) throw new UsageError(`--steps needs at least one step before "all" (got "${raw}")`)
  return steps
}

/** `--pdb maxUnavailable=N|N%`, `minAvailable=N|N%` or `none`; one that could never allow an eviction is refused. */
export function pdbFlag(flags: Flags, replicas: number): PdbSpec | null {
  const raw = typeof flags.pdb === 'string' ? flags.pdb : DEFAULT_PDB
  if (raw === 'none') return null
  const match = /^(maxUnavailable|max-unavailable|minAvailable|min-available)=(\d+%?)$/.exec(raw)
  const usage = `--pdb must be maxUnavailable=N|N%, minAvailable=N|N% or none (got "${raw}")`
  if (!match?.[1] || !match[2]) throw new UsageError(usage)
  const value = match[2].endsWith('%') ? (match[2] as `${number}%`) : Number(match[2])
  const count = typeof value === 'number' ? value : Math.ceil((Number(value.slice(0, -1)) * replicas) / 100)
  if (match[1].startsWith('min')) {
    if (count >= replicas) {
      throw new UsageError(
        `--pdb ${raw} with --replicas ${replicas} allows no eviction: the drain would wait forever`,
      )
    }
    return { minAvailable: value }
  }
  if (count < 1) throw new UsageError(`--pdb ${raw} allows no eviction: the drain would wait forever`)
  return { maxUnavailable: value }
}

export function placementFlag(flags: Flags): 'spread' | 'packed' {
  const raw = flags.placement ?? SCENARIO_DEFAULTS['node-drain'].placement
  if (raw === 'spread' || raw === 'packed') return raw
  throw new UsageError(`--placement must be spread or packed (got "${String(raw)}")`)
}

export function percentFlag(flags: Flags, name: string, fallback: number): number {
  const raw = flags[name]
  if (raw === undefined) return fallback
  if (typeof raw !== 'string' || !/^\d+(\.\d+)?$/.test(raw) || Number(raw) > 100) {
    throw new UsageError(`--${name} must be a number from 0 to 100 (got "${String(raw)}")`)
  }
  return Number(raw)
}

/** `--percentages 5,25,50,100`: rising whole percentages from 1 to 100. */
export function percentagesFlag(flags: Flags, name: string, fallback: readonly number[]): number[] {
  const raw = flags[name]
  if (raw === undefined) return [...fallback]
  const parts = String(raw).split(',')
  let previous = 0
  return parts.map((part) => {
    const n = Number(part.trim())
    if (!/^\d+$/.test(part.trim()) || n <= previous || n > 100) {
      throw new UsageError(
        `--${name} must be rising whole percentages from 1 to 100, e.g. 5,25,50,100 (got "${String(raw)}")`,
      )
    }
    previous = n
    return n
  })
}

/** `--variants a=80,b=20`: the weights of variants a and b, whole percentages summing to 100. */
export function variantsFlag(
  flags: Flags,
  name: string,
  fallback: { a: number; b: number },
): { a: number; b: number } {
  const raw = flags[name]
  if (raw === undefined) return { ...fallback }
  const weights: Record<string, number> = {}
  for (const part of String(raw).split(',')) {
    const match = /^\s*([ab])=(\d+)\s*$/.exec(part)
    if (match?.[1]) weights[match[1]] = Number(match[2])
  }
  const { a, b } = weights
  if (a === undefined || b === undefined || a + b !== 100 || String(raw).split(',').length !== 2) {
    throw new UsageError(
      `--${name} must give a and b as whole percentages summing to 100, e.g. a=80,b=20 (got "${String(raw)}")`,
    )
  }
  return { a, b }
}

/** A flag with a fixed set of values; the first is the default. */
export function choiceFlag<const T extends readonly [string, ...string[]]>(
  flags: Flags,
  name: string,
  choices: T,
): T[number] {
  const raw = flags[name]
  if (raw === undefined) return choices[0]
  if (typeof raw === 'string' && choices.includes(raw)) return raw as T[number]
  throw new UsageError(`--${name} must be ${choices.join(' or ')} (got "${String(raw)}")`)
}
