import { readFileSync, renameSync, writeFileSync } from 'node:fs'
import { type Static, Type } from '@sinclair/typebox'
import { Value } from '@sinclair/typebox/value'
import { FlagsFileError } from './errors.ts'

const Variant = Type.Object({
  name: Type.String({ minLength: 1 }),
  weight: Type.Integer({ minimum: 0, maximum: 1000 }),
  weightType: Type.Optional(Type.String()),
  stickiness: Type.Optional(Type.String()),
  payload: Type.Optional(Type.Object({ type: Type.String(), value: Type.String() })),
})

const Strategy = Type.Object({
  name: Type.String({ minLength: 1 }),
  parameters: Type.Optional(Type.Record(Type.String(), Type.String())),
  constraints: Type.Optional(Type.Array(Type.Unknown())),
  variants: Type.Optional(Type.Array(Variant)),
})

const Feature = Type.Object({
  name: Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9._-]*$' }),
  enabled: Type.Boolean(),
  type: Type.Optional(Type.String()),
  description: Type.Optional(Type.String()),
  strategies: Type.Array(Strategy),
  variants: Type.Optional(Type.Array(Variant)),
})

/** Unleash's client-features format, the subset the SDK reads (extra fields are kept as they are). */
export const FlagsDocument = Type.Object({
  version: Type.Integer({ minimum: 1 }),
  features: Type.Array(Feature),
})
export type FlagsDocument = Static<typeof FlagsDocument>
export type FeatureDefinition = Static<typeof Feature>

/** Parses and validates a flags document; the error names the first bad path and the file. */
export function parseFlags(text: string, source: string): FlagsDocument {
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (err) {
    throw new FlagsFileError(source, `not JSON (${(err as Error).message})`)
  }
  const first = Value.Errors(FlagsDocument, json).First()
  if (first) throw new FlagsFileError(source, `${first.path || '/'} ${first.message}`)
  const doc = json as FlagsDocument
  const seen = new Set<string>()
  for (const feature of doc.features) {
    if (seen.has(feature.name)) throw new FlagsFileError(source, `flag "${feature.name}" appears twice`)
    seen.add(feature.name)
  }
  return doc
}

export function readFlagsFile(path: string): FlagsDocument {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (err) {
    throw new FlagsFileError(path, (err as NodeJS.ErrnoException).code ?? (err as Error).message)
  }
  return parseFlags(text, path)
}

/** Writes next to the target and renames over it, so a watcher never reads half a file. */
export function writeFlagsFile(path: string, doc: FlagsDocument): void {
  const tmp = `${path}.${process.pid}.tmp`
  writeFileSync(tmp, `${JSON.stringify(doc, null, 2)}\n`)
  renameSync(tmp, path)
}
