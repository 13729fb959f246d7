// The official Unleash client specification (@unleash/client-specification): every case of every spec file
// its index lists, and how a result is judged against the expected one.
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'

export type SpecContext = Record<string, unknown> & { properties?: Record<string, unknown> }

export interface ExpectedVariant {
  name: string
  enabled: boolean
  feature_enabled: boolean
  payload?: { type: string; value: string }
}

export interface Spec {
  /** Position in the index: also the spec's path prefix on the stand-in server. */
  index: number
  file: string
  name: string
  /** A /api/client/features response: full (`version`, `features`, `segments`) or delta (`events`). */
  state: object
  cases: SpecCase[]
}

export type SpecCase = {
  spec: Spec
  /** `<file> / <description>`: unique, and what a failure names. */
  id: string
  toggleName: string
  context: SpecContext
} & ({ kind: 'enabled'; expected: boolean } | { kind: 'variant'; expected: ExpectedVariant })

interface SpecFile {
  name: string
  state: object
  tests?: { description: string; context: SpecContext; toggleName: string; expectedResult: boolean }[]
  variantTests?: {
    description: string
    context: SpecContext
    toggleName: string
    expectedResult: ExpectedVariant
  }[]
}

const require = createRequire(import.meta.url)
const DIR = dirname(require.resolve('@unleash/client-specification/specifications/index.json'))
export const SPEC_VERSION: string = (
  JSON.parse(readFileSync(require.resolve('@unleash/client-specification/package.json'), 'utf8')) as {
    version: string
  }
).version

/** Every spec file listed in the package's index.json, in order, with all its cases. */
export function loadSpecs(): Spec[] {
  const files = JSON.parse(readFileSync(join(DIR, 'index.json'), 'utf8')) as string[]
  return files.map((file, index) => {
    const raw = JSON.parse(readFileSync(join(DIR, file), 'utf8')) as SpecFile
    const spec: Spec = { index, file, name: raw.name, state: raw.state, cases: [] }
    const common = (t: { description: string; toggleName: string; context?: SpecContext }) => ({
      spec,
      id: `${file} / ${t.description}`,
      toggleName: t.toggleName,
      context: t.context ?? {},
    })
    for (const t of raw.tests ?? [])
      spec.cases.push({ ...common(t), kind: 'enabled', expected: t.expectedResult })
    for (const t of raw.variantTests ?? []) {
      spec.cases.push({ ...common(t), kind: 'variant', expected: t.expectedResult })
    }
    return spec
  })
}

/** What one implementation answered for each case, by case id (`undefined` = it threw or never answered). */
export type Answers = Map<string, unknown>

/**
 * A case passes when `isEnabled` is exactly the expected boolean, or the variant's spec fields (name,
 * enabled, feature_enabled, payload) are exactly the expected ones. The same judge for every implementation.
 */
export function passes(c: SpecCase, actual: unknown): boolean {
  if (c.kind === 'enabled') return actual === c.expected
  if (typeof actual !== 'object' || actual === null) return false
  const v = actual as Partial<ExpectedVariant>
  const seen: Record<string, unknown> = {
    name: v.name,
    enabled: v.enabled,
    feature_enabled: v.feature_enabled,
  }
  if (v.payload !== undefined) seen.payload = v.payload
  try {
    assert.deepStrictEqual(seen, { ...c.expected })
    return true
  } catch {
    return false
  }
}

export interface Tally {
  passed: string[]
  failed: string[]
}

export function tally(cases: SpecCase[], answers: Answers): Tally {
  const result: Tally = { passed: [], failed: [] }
  for (const c of cases) (passes(c, answers.get(c.id)) ? result.passed : result.failed).push(c.id)
  return result
}

/** The cases the reference passes that `ours` does not, each with what both answered and what was expected. */
export function regressions(
  cases: SpecCase[],
  reference: Answers,
  ours: Answers,
  only?: Set<string>,
): string[] {
  return cases
    .filter((c) => (only ? only.has(c.id) : true))
    .filter((c) => passes(c, reference.get(c.id)) && !passes(c, ours.get(c.id)))
    .map(
      (c) =>
        `${c.id}: expected ${JSON.stringify(c.expected)}, got ${JSON.stringify(ours.get(c.id))} ` +
        `(context ${JSON.stringify(c.context)})`,
    )
}
