import type { FeatureDefinition, FlagsDocument } from '@zdd/flags'
import type { AdminClient } from './admin.ts'
import { canonical, fromAdmin, strategyBody } from './convert.ts'

export interface SeedResult {
  /** Flags that did not exist and were created with the definitions. */
  created: string[]
  /** Flags that existed and were (re)written: missing strategies added, or everything under `reset`. */
  updated: string[]
  /** Flags left as they were: already as defined, or changed since and kept (without `reset`). */
  kept: string[]
  ms: number
}

export interface SeedOptions {
  /** Rewrite existing flags to the definitions (the demo state); otherwise changes made since are kept. */
  reset?: boolean
}

/**
 * Makes the server hold the flags of `doc` in the client's environment, idempotently: a second run changes
 * nothing. Strategies (with their variants) are added before the flag is switched on, since Unleash adds
 * a default strategy of its own when an environment is enabled without one.
 */
export async function seedFlags(
  admin: AdminClient,
  doc: FlagsDocument,
  options: SeedOptions = {},
): Promise<SeedResult> {
  const started = performance.now()
  const result: SeedResult = { created: [], updated: [], kept: [], ms: 0 }
  // One flag at a time per call chain, flags in parallel: a handful of calls each.
  const outcomes = await Promise.all(doc.features.map((f) => seedOne(admin, f, options.reset ?? false)))
  doc.features.forEach((feature, i) => {
    result[outcomes[i] ?? 'kept'].push(feature.name)
  })
  result.ms = performance.now() - started
  return result
}

async function seedOne(
  admin: AdminClient,
  wanted: FeatureDefinition,
  reset: boolean,
): Promise<'created' | 'updated' | 'kept'> {
  const existing = await admin.feature(wanted.name)
  const meta = {
    type: wanted.type ?? 'release',
    ...(wanted.description ? { description: wanted.description } : {}),
  }
  if (!existing) {
    await admin.createFeature({ name: wanted.name, ...meta })
    await writeStrategies(admin, wanted, [])
    return 'created'
  }
  const current = fromAdmin(existing, admin.environment, true)
  if (canonical(current) === canonical(wanted)) return 'kept'
  const empty = current.strategies.length === 0
  if (!reset && !empty) return 'kept'
  if (current.type !== meta.type || current.description !== wanted.description) {
    await admin.updateFeature(wanted.name, meta)
  }
  const ids = current.strategies.flatMap((s) => ('id' in s && typeof s.id === 'string' ? [s.id] : []))
  await writeStrategies(admin, wanted, ids)
  return 'updated'
}

/**
 * Makes the environment's strategies the wanted ones (updated in place where one exists, so a reset of a
 * live flag never leaves it without a strategy) and sets on/off to match.
 */
async function writeStrategies(admin: AdminClient, wanted: FeatureDefinition, old: string[]): Promise<void> {
  const bodies = wanted.strategies.map(strategyBody)
  // An enabled environment without strategies is on for everyone: switch off before removing the last one.
  if (bodies.length === 0 && old.length > 0) await admin.setEnabled(wanted.name, false)
  for (const [i, body] of bodies.entries()) {
    const id = old[i]
    if (id) await admin.updateStrategy(wanted.name, id, body)
    else await admin.addStrategy(wanted.name, body)
  }
  for (const id of old.slice(bodies.length)) await admin.deleteStrategy(wanted.name, id)
  await admin.setEnabled(wanted.name, wanted.enabled)
}
