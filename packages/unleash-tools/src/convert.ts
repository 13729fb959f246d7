import type { FeatureDefinition, FlagsDocument } from '@zdd/flags'
import type { AdminFeature, AdminVariant, StrategyBody } from './admin.ts'
import { UnsupportedFlagError } from './errors.ts'

type Strategy = FeatureDefinition['strategies'][number]
type Variant = NonNullable<Strategy['variants']>[number]

/** A strategy of the offline format that remembers its server id (for edits; never written to a file). */
export type ServerStrategy = Strategy & { id?: string }

/** What a client-API or admin feature looks like before it is cut down to the offline format. */
interface LooseFeature {
  name: string
  type?: string | undefined
  description?: string | null | undefined
  enabled: boolean
  strategies: (Omit<Strategy, 'variants'> & {
    id?: string
    variants?: AdminVariant[] | null
    segments?: unknown[]
    disabled?: boolean | null
  })[]
  variants?: AdminVariant[] | null
}

// The order Unleash's UI and packages/flags/flags/demo.json write them; others follow, sorted.
const PARAMETER_ORDER = ['rollout', 'stickiness', 'groupId']

function parametersOf(parameters: Record<string, string> | undefined): Record<string, string> {
  const rank = (key: string) => (PARAMETER_ORDER.includes(key) ? PARAMETER_ORDER.indexOf(key) : 99)
  return Object.fromEntries(
    Object.entries(parameters ?? {}).sort(([a], [b]) => rank(a) - rank(b) || a.localeCompare(b)),
  )
}

function variantOf(v: AdminVariant): Variant {
  return {
    name: v.name,
    weight: v.weight,
    ...(v.weightType ? { weightType: v.weightType } : {}),
    ...(v.stickiness ? { stickiness: v.stickiness } : {}),
    ...(v.payload ? { payload: { type: v.payload.type, value: String(v.payload.value) } } : {}),
  }
}

/**
 * One flag in the offline file's shape (the keys and order of packages/flags/flags/demo.json): server-only
 * fields dropped, empty strategy variants left out. `keepIds` keeps strategy ids for editing.
 */
export function toDefinition(feature: LooseFeature, keepIds = false): FeatureDefinition {
  const strategies = feature.strategies
    .filter((s) => s.disabled !== true)
    .map((s): ServerStrategy => {
      if (s.segments?.length) {
        throw new UnsupportedFlagError(feature.name, `strategy "${s.name}" uses segments`)
      }
      const variants = (s.variants ?? []).map(variantOf)
      return {
        ...(keepIds && s.id ? { id: s.id } : {}),
        name: s.name,
        constraints: s.constraints ?? [],
        parameters: parametersOf(s.parameters),
        ...(variants.length > 0 ? { variants } : {}),
      }
    })
  return {
    name: feature.name,
    ...(feature.description ? { description: feature.description } : {}),
    type: feature.type ?? 'release',
    enabled: feature.enabled,
    strategies,
    variants: (feature.variants ?? []).map(variantOf),
  }
}

/** An admin-API flag in one environment, as the offline format (what an SDK in that environment gets). */
export function fromAdmin(feature: AdminFeature, environment: string, keepIds = false): FeatureDefinition {
  const env = feature.environments.find((e) => e.name === environment)
  return toDefinition(
    {
      name: feature.name,
      type: feature.type,
      description: feature.description,
      enabled: env?.enabled ?? false,
      strategies: env?.strategies ?? [],
      variants: env?.variants ?? [],
    },
    keepIds,
  )
}

/** GET /api/client/features (what SDKs receive) as an offline flags document. */
export function fromClientFeatures(body: { features: LooseFeature[] }): FlagsDocument {
  return { version: 2, features: body.features.map((f) => toDefinition(f)) }
}

/**
 * Variants as the admin API needs them to keep the intended weights. Unleash spreads the weight of
 * `variable` variants evenly over them and keeps `fix` ones as given, and wants at least one `variable`:
 * equal weights stay all variable (the UI's default), others are fixed but the last, which takes the rest.
 * The SDK only reads `weight`, so offline and server evaluate the same buckets.
 */
export function serverVariants(variants: Variant[]): AdminVariant[] {
  const equal = variants.every((v) => v.weight === variants[0]?.weight)
  return variants.map((v, i) => ({
    name: v.name,
    weight: v.weight,
    weightType: equal || i === variants.length - 1 ? 'variable' : 'fix',
    stickiness: v.stickiness ?? 'default',
    ...(v.payload ? { payload: v.payload } : {}),
  }))
}

/** The admin API body for a strategy of the offline format. */
export function strategyBody(strategy: Strategy): StrategyBody {
  return {
    name: strategy.name,
    constraints: strategy.constraints ?? [],
    parameters: { ...strategy.parameters },
    variants: serverVariants(strategy.variants ?? []),
  }
}

/** Features ordered like `previous` (an earlier version of the file), new ones after, in server order. */
export function orderLike(features: FeatureDefinition[], previous: string[]): FeatureDefinition[] {
  const rank = (name: string) => {
    const i = previous.indexOf(name)
    return i === -1 ? previous.length : i
  }
  return features
    .map((feature, i) => ({ feature, i }))
    .sort((x, y) => rank(x.feature.name) - rank(y.feature.name) || x.i - y.i)
    .map(({ feature }) => feature)
}

/** Comparable form of a flag: same meaning, same string (parameter keys sorted, server ids dropped). */
export function canonical(feature: FeatureDefinition): string {
  const sortKeys = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(sortKeys)
    if (value && typeof value === 'object') {
      return Object.fromEntries(
        Object.entries(value)
          .filter(([key]) => key !== 'id')
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([key, v]) => [key, sortKeys(v)]),
      )
    }
    return value
  }
  const weights = (variants: Variant[] | undefined) => (variants ?? []).map((v) => ({ ...v, weightType: '' }))
  return JSON.stringify(
    sortKeys({
      ...feature,
      strategies: feature.strategies.map((s) => ({ ...s, variants: weights(s.variants) })),
    }),
  )
}
