import { FlagEditError, UnknownFlagError } from './errors.ts'
import type { FeatureDefinition, FlagsDocument } from './schema.ts'

export interface FlagSummary {
  name: string
  enabled: boolean
  type: string
  /** Gradual-rollout percentage (flexibleRollout), when the flag has one. */
  rollout?: number
  /** Variant weights in percent, when the flag has variants. */
  variants?: { name: string; weight: number }[]
}

const ROLLOUT = 'flexibleRollout'

export function summarize(doc: FlagsDocument): FlagSummary[] {
  return doc.features.map((feature) => {
    const summary: FlagSummary = {
      name: feature.name,
      enabled: feature.enabled,
      type: feature.type ?? 'release',
    }
    const rollout = feature.strategies.find((s) => s.name === ROLLOUT)?.parameters?.rollout
    if (rollout !== undefined) summary.rollout = Number(rollout)
    const variants = feature.strategies.find((s) => s.variants?.length)?.variants ?? feature.variants
    if (variants?.length) summary.variants = variants.map((v) => ({ name: v.name, weight: v.weight / 10 }))
    return summary
  })
}

function find(doc: FlagsDocument, name: string, source: string): FeatureDefinition {
  const feature = doc.features.find((f) => f.name === name)
  if (!feature) {
    throw new UnknownFlagError(name, source, doc.features.map((f) => f.name).join(', ') || '(none)')
  }
  return feature
}

export function setEnabled(doc: FlagsDocument, name: string, enabled: boolean, source: string): void {
  find(doc, name, source).enabled = enabled
}

/** Sets the rollout % of every gradual-rollout strategy of the flag (users are added, never swapped). */
export function setRollout(doc: FlagsDocument, name: string, percent: number, source: string): void {
  if (!Number.isInteger(percent) || percent < 0 || percent > 100) {
    throw new FlagEditError(name, `rollout must be a whole percentage 0-100, got ${percent}`)
  }
  const strategies = find(doc, name, source).strategies.filter((s) => s.name === ROLLOUT)
  if (strategies.length === 0) {
    throw new FlagEditError(name, `it has no ${ROLLOUT} strategy, so it has no rollout percentage`)
  }
  for (const strategy of strategies)
    strategy.parameters = { ...strategy.parameters, rollout: String(percent) }
}

/** Replaces variant weights (percentages summing to 100); payloads of kept variants are preserved. */
export function setVariants(
  doc: FlagsDocument,
  name: string,
  weights: Record<string, number>,
  source: string,
): void {
  const entries = Object.entries(weights)
  const total = entries.reduce((sum, [, w]) => sum + w, 0)
  if (entries.length === 0 || entries.some(([, w]) => !Number.isInteger(w) || w < 0) || total !== 100) {
    throw new FlagEditError(name, `variant weights must be whole percentages summing to 100, got ${total}`)
  }
  const feature = find(doc, name, source)
  const strategy = feature.strategies.find((s) => s.variants?.length) ?? feature.strategies[0]
  if (!strategy) throw new FlagEditError(name, 'it has no strategy to carry variants; add one first')
  const previous = new Map((strategy.variants ?? []).map((v) => [v.name, v]))
  strategy.variants = entries.map(([variant, weight]) => ({
    stickiness: 'userId',
    ...previous.get(variant),
    name: variant,
    weight: weight * 10,
    weightType: 'variable',
  }))
}
