import { parseArgs } from 'node:util'
import { UsageError } from './errors.ts'

export type FlagSpec = Record<string, { type: 'string' | 'boolean'; description: string; default?: string }>

/** Parses flags strictly: an unknown flag or a missing value is a usage error naming it. */
export function parseFlags(args: string[], spec: FlagSpec): Record<string, string | boolean | undefined> {
  try {
    const options = Object.fromEntries(Object.entries(spec).map(([name, { type }]) => [name, { type }]))
    const { values, positionals } = parseArgs({ args, options, strict: true, allowPositionals: true })
    if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`)
    return values as Record<string, string | boolean | undefined>
  } catch (err) {
    if (err instanceof UsageError) throw err
    throw new UsageError((err as Error).message)
  }
}

/** A whole-number flag within bounds, or a usage error that names the flag and the allowed range. */
export function intFlag(
  values: Record<string, string | boolean | undefined>,
  name: string,
  fallback: number,
  min: number,
  max: number,
): number {
  const raw = values[name]
  if (raw === undefined) return fallback
  if (typeof raw !== 'string' || !/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
    throw new UsageError(`--${name} must be a whole number from ${min} to ${max} (got "${String(raw)}")`)
  }
  return Number(raw)
}

export function usage(command: string, spec: FlagSpec): string {
  const lines = Object.entries(spec).map(([name, { type, description, default: fallback }]) => {
    const flag = type === 'string' ? `--${name} <value>` : `--${name}`
    return `  ${flag.padEnd(30)} ${description}${fallback === undefined ? '' : ` (default ${fallback})`}`
  })
  return `Usage: zdd ${command} [options]\n\n${lines.join('\n')}`
}
