import { type FlagsDocument, setEnabled, setRollout, setVariants } from '@zdd/flags'
import { UsageError } from '../errors.ts'

export function parseWeights(text: string): Record<string, number> {
  const weights: Record<string, number> = {}
  for (const part of text.split(',')) {
    const match = /^([A-Za-z0-9._-]+)=(\d{1,3})$/.exec(part.trim())
    if (!match?.[1] || !match[2]) {
      throw new UsageError(`--variants takes name=percent pairs like a=80,b=20 (got "${part}")`)
    }
    weights[match[1]] = Number(match[2])
  }
  return weights
}

/** One change asked for on the command line: the flag, and the edit (the same offline and on the server). */
export interface FlagChange {
  name: string
  apply(doc: FlagsDocument, source: string): void
}

export function parseChange(
  positional: string[],
  options: Record<string, string | boolean | undefined>,
): FlagChange {
  const [name, state, extra] = positional
  if (!name)
    throw new UsageError(
      'zdd flags set needs a flag name: zdd flags set <flag> on|off|--rollout N|--variants a=50,b=50',
    )
  if (extra !== undefined) throw new UsageError(`unexpected argument "${extra}"`)
  const changes = [state, options.rollout, options.variants].filter((v) => v !== undefined)
  if (changes.length !== 1) {
    throw new UsageError(
      `say exactly one change for "${name}": on, off, --rollout <0-100> or --variants a=50,b=50`,
    )
  }
  if (state !== undefined) {
    if (state !== 'on' && state !== 'off') throw new UsageError(`"${state}" is not a state; use on or off`)
    return { name, apply: (doc, source) => setEnabled(doc, name, state === 'on', source) }
  }
  if (typeof options.rollout === 'string') {
    if (!/^\d{1,3}$/.test(options.rollout) || Number(options.rollout) > 100) {
      throw new UsageError(`--rollout must be a whole percentage from 0 to 100 (got "${options.rollout}")`)
    }
    const percent = Number(options.rollout)
    return { name, apply: (doc, source) => setRollout(doc, name, percent, source) }
  }
  const weights = parseWeights(String(options.variants))
  return { name, apply: (doc, source) => setVariants(doc, name, weights, source) }
}
