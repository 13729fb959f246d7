import type { TObject } from '@sinclair/typebox'

/**
 * `given` with each missing top-level property taken from its schema's `default` (a copy). Only missing
 * ones: a given object is never merged with the default (a PodDisruptionBudget of minAvailable given must
 * not also get the default's maxUnavailable).
 */
export function withDefaults(schema: TObject, given: Record<string, unknown>): Record<string, unknown> {
  const result: Record<string, unknown> = { ...given }
  for (const [key, property] of Object.entries(schema.properties)) {
    if (result[key] === undefined && property.default !== undefined)
      result[key] = structuredClone(property.default)
  }
  return result
}
