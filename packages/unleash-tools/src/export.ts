import { type FeatureDefinition, type FlagsDocument, parseFlags } from '@zdd/flags'
import type { AdminClient } from './admin.ts'
import { fromAdmin, orderLike } from './convert.ts'

/** How a server is named in messages: which flags a command read or changed. */
export function describeServer(admin: AdminClient): string {
  return `Unleash at ${admin.url}, project ${admin.project}, environment ${admin.environment}`
}

/**
 * The server's flags in the client's environment as an offline flags document (the format of
 * packages/flags/flags/demo.json and FLAGS_FILE), validated the way services read it. `order` (names of an
 * earlier version) keeps the file's order, so a re-export only shows real changes.
 */
export async function exportFlags(admin: AdminClient, order: string[] = []): Promise<FlagsDocument> {
  const names = await admin.featureNames()
  const features = await Promise.all(
    names.map(async (name) => {
      const feature = await admin.feature(name)
      return feature && fromAdmin(feature, admin.environment)
    }),
  )
  const found = features.filter((f): f is FeatureDefinition => f !== undefined)
  const doc: FlagsDocument = { version: 2, features: orderLike(found, order) }
  return parseFlags(JSON.stringify(doc), describeServer(admin))
}
