import { errors, type FeatureDefinition, type FlagsDocument } from '@zdd/flags'
import type { AdminClient } from './admin.ts'
import { canonical, fromAdmin, type ServerStrategy, strategyBody } from './convert.ts'
import { describeServer } from './export.ts'

/**
 * Changes one flag on the server with the same edit functions (and checks, and messages) as the offline
 * file: the flag is read as an offline definition, edited, and what differs is written back through the
 * admin API (on/off, and each changed strategy in place, keeping its id).
 */
export async function editFlag(
  admin: AdminClient,
  name: string,
  edit: (doc: FlagsDocument, source: string) => void,
): Promise<FeatureDefinition> {
  const source = describeServer(admin)
  const feature = await admin.feature(name)
  if (!feature) {
    const known = (await admin.featureNames()).join(', ') || '(none)'
    throw new errors.UnknownFlagError(name, source, known)
  }
  const before = fromAdmin(feature, admin.environment, true)
  const doc: FlagsDocument = { version: 2, features: [structuredClone(before)] }
  edit(doc, source)
  const after = doc.features[0] ?? before
  for (const [i, strategy] of after.strategies.entries()) {
    const id = (strategy as ServerStrategy).id
    const previous = before.strategies[i]
    if (!id || !previous) continue
    if (
      canonical({ ...before, strategies: [previous] }) !== canonical({ ...before, strategies: [strategy] })
    ) {
      await admin.updateStrategy(name, id, strategyBody(strategy))
    }
  }
  if (after.enabled !== before.enabled) await admin.setEnabled(name, after.enabled)
  return after
}
