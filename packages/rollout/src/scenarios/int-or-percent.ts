import { type TUnsafe, Type } from '@sinclair/typebox'
import type { IntOrPercent } from '../model/strategy.ts'

/**
 * A count or a percentage of the replicas ("25%"), as Kubernetes' maxSurge, maxUnavailable and PDBs take.
 * At run time a union of a whole number and a percentage string; to TypeScript the model's IntOrPercent.
 */
export function intOrPercent(
  options: { description?: string; default?: IntOrPercent } = {},
): TUnsafe<IntOrPercent> {
  const schema = Type.Union([Type.Integer({ minimum: 0 }), Type.String({ pattern: '^\\d+(\\.\\d+)?%$' })], {
    ...options,
    rule: 'must be a whole number or a percentage like 25%',
  })
  return schema as unknown as TUnsafe<IntOrPercent>
}
