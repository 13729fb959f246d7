import { type Static, type TSchema, Type } from '@sinclair/typebox'
import { Value } from '@sinclair/typebox/value'

// Unleash's client-features format (GET /api/client/features), as its OpenAPI schemas and the client
// specification describe it: fields Unleash sends as null are accepted as null, unknown fields are kept.

const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()])

const Constraint = Type.Object({
  contextName: Type.String({ minLength: 1 }),
  operator: Type.String({ minLength: 1 }),
  values: Type.Optional(Type.Array(Type.String())),
  value: Type.Optional(Type.String()),
  inverted: Type.Optional(Type.Boolean()),
  caseInsensitive: Type.Optional(Type.Boolean()),
})

const Variant = Type.Object({
  name: Type.String({ minLength: 1 }),
  weight: Type.Integer({ minimum: 0, maximum: 1000 }),
  weightType: Type.Optional(Type.String()),
  stickiness: Type.Optional(Type.String()),
  payload: Type.Optional(Type.Object({ type: Type.String(), value: Type.String() })),
  overrides: Type.Optional(
    Type.Array(Type.Object({ contextName: Type.String(), values: Type.Array(Type.String()) })),
  ),
})

const Strategy = Type.Object({
  name: Type.String({ minLength: 1 }),
  parameters: Type.Optional(Type.Record(Type.String(), Type.String())),
  // Checked as constraints, typed as before (unknown) for the code that builds documents.
  constraints: Type.Optional(Type.Array(Type.Unsafe<unknown>(Constraint))),
  /** Ids of top-level `segments` whose constraints also apply. */
  segments: Type.Optional(Type.Array(Type.Integer())),
  variants: Type.Optional(Type.Array(Variant)),
  title: Type.Optional(Nullable(Type.String())),
  disabled: Type.Optional(Nullable(Type.Boolean())),
})

export const Feature = Type.Object({
  /** Any UTF-8 text, as Unleash's clients accept it. */
  name: Type.String({ minLength: 1 }),
  enabled: Type.Boolean(),
  type: Type.Optional(Type.String()),
  description: Type.Optional(Nullable(Type.String())),
  project: Type.Optional(Type.String()),
  stale: Type.Optional(Type.Boolean()),
  impressionData: Type.Optional(Nullable(Type.Boolean())),
  strategies: Type.Array(Strategy),
  variants: Type.Optional(Nullable(Type.Array(Variant))),
  dependencies: Type.Optional(
    Type.Array(
      Type.Object({
        feature: Type.String({ minLength: 1 }),
        enabled: Type.Optional(Type.Boolean()),
        variants: Type.Optional(Type.Array(Type.String())),
      }),
    ),
  ),
})

export const Segment = Type.Object({
  id: Type.Integer(),
  name: Type.Optional(Nullable(Type.String())),
  constraints: Type.Optional(Type.Array(Type.Unsafe<unknown>(Constraint))),
})

/** A full client-features document: the flags and the segments their strategies refer to. */
export const FlagsDocument = Type.Object({
  version: Type.Integer({ minimum: 1 }),
  features: Type.Array(Feature),
  segments: Type.Optional(Type.Array(Segment)),
})
export type FlagsDocument = Static<typeof FlagsDocument>
export type FeatureDefinition = Static<typeof Feature>
export type SegmentDefinition = Static<typeof Segment>

/** The first way `value` misses `schema`, as `<path> <message>` under `at`, or undefined when it fits. */
export function firstError(schema: TSchema, value: unknown, at = ''): string | undefined {
  const first = Value.Errors(schema, value).First()
  if (!first) return undefined
  return `${at}${first.path || (at ? '' : '/')} ${first.message}`
}
