// Tables the docs carry, generated from the schemas that define them, so they cannot drift: `node scripts/docs.ts`
// rewrites each README's marked region, test/docs/generated.test.ts fails when one differs.
import { fileURLToPath } from 'node:url'
import { FlagsEnv } from '../../packages/flags/src/config.ts'
import { LifecycleEnv } from '../../packages/lifecycle/src/config.ts'
import { RunSchema } from '../../packages/rollout/src/run/options.ts'
import { scenarioDefinitions } from '../../packages/rollout/src/scenarios/registry.ts'
import { flagOf as demoFlag, toText } from '../../packages/rollout/src/schema/text.ts'
import { flagOf, VerifyOptionsSchema } from '../../packages/verify/src/options.ts'
import { CatalogEnv } from '../../services/catalog/src/config.ts'
import { GatewayEnv } from '../../services/gateway/src/config.ts'
import { RecommendationsEnv } from '../../services/recommendations/src/config.ts'

/** What the tables read of a TypeBox field (the root has no TypeBox of its own). */
interface TSchema {
  description?: unknown
  default?: unknown
  minimum?: unknown
  maximum?: unknown
}
interface TObject {
  properties: Record<string, TSchema>
}

/** Columns padded to their widest cell, as the repository's formatter writes Markdown tables. */
export function markdownTable(rows: string[][]): string {
  const widths =
    rows[0]?.map((_, column) => Math.max(3, ...rows.map((row) => (row[column] ?? '').length))) ?? []
  const line = (cells: string[]) => `| ${cells.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join(' | ')} |`
  const [head = [], ...body] = rows
  return [line(head), line(widths.map((width) => '-'.repeat(width))), ...body.map(line)].join('\n')
}

const escapeCell = (text: string) => text.replaceAll('|', '\\|')

/** The repository's root: defaults that are paths inside it are shown relative, the same in every checkout. */
const ROOT = fileURLToPath(new URL('../../', import.meta.url))

function fallbackOf(schema: TSchema): string {
  if (schema.default === undefined) return '(unset)'
  if (schema.default === '') return '(empty)'
  const text = String(schema.default)
  return `\`${text.startsWith(ROOT) ? text.slice(ROOT.length) : text}\``
}

/** ` (min–max)`, unless the description already says them. */
function boundsOf(schema: TSchema): string {
  if (typeof schema.minimum !== 'number' || typeof schema.maximum !== 'number') return ''
  if (String(schema.description ?? '').includes(`${schema.minimum}-${schema.maximum}`)) return ''
  return ` (${schema.minimum}–${schema.maximum})`
}

/** Environment variables of a schema (only `keys` if given): variable, default, meaning. */
export function envTable(schema: TObject, keys?: string[]): string {
  const entries = Object.entries(schema.properties).filter(
    ([name]) => keys === undefined || keys.includes(name),
  )
  return markdownTable([
    ['variable', 'default', 'meaning'],
    ...entries.map(([name, field]) => [
      `\`${name}\``,
      fallbackOf(field),
      escapeCell(`${String(field.description ?? '')}${boundsOf(field)}`),
    ]),
  ])
}

/** The fields a service adds to @zdd/lifecycle's. */
const own = (schema: TObject) =>
  Object.keys(schema.properties).filter((name) => !(name in LifecycleEnv.properties))
const flagFields = Object.keys(FlagsEnv.properties)

/** `zdd verify`'s options: flag, default, meaning. */
export function verifyOptionsTable(): string {
  return markdownTable([
    ['flag', 'default', 'meaning'],
    ...Object.entries(VerifyOptionsSchema.properties).map(([name, field]) => [
      `\`--${flagOf(name)}\``,
      field.default === '' ? '(none)' : `\`${String(field.default)}\``,
      escapeCell(`${String(field.description)}${boundsOf(field)}`),
    ]),
  ])
}

/** A default as it is typed on the command line (`toText`, what the CLI's help shows). */
const typed = (value: unknown) => (value === undefined ? '(unset)' : `\`${toText(value)}\``)

/** `zdd demo`'s own options of each scenario, from the scenarios' schemas. */
export function scenarioOptionsTable(): string {
  return markdownTable([
    ['scenario', 'flag', 'default', 'meaning'],
    ...scenarioDefinitions().flatMap((definition) =>
      Object.entries(definition.options.properties as Record<string, TSchema>).map(([name, field]) => [
        `\`${definition.kind}\``,
        `\`--${demoFlag(name, field)}\``,
        escapeCell(typed(field.default)),
        escapeCell(`${String(field.description ?? '')}${boundsOf(field)}`),
      ]),
    ),
  ])
}

/** The options every `zdd demo` run takes, with the scenarios that start from another default. */
export function runOptionsTable(): string {
  const definitions = scenarioDefinitions()
  return markdownTable([
    ['flag', 'default', 'meaning'],
    ...Object.entries(RunSchema.properties as Record<string, TSchema>).map(([name, field]) => {
      const others = definitions
        .filter((d) => (d.runDefaults as Record<string, unknown> | undefined)?.[name] !== undefined)
        .map((d) => `${d.kind}: ${typed((d.runDefaults as Record<string, unknown>)[name])}`)
      return [
        `\`--${demoFlag(name, field)}\``,
        escapeCell([typed(field.default), ...others].join('; ')),
        escapeCell(`${String(field.description ?? '')}${boundsOf(field)}`),
      ]
    }),
  ])
}

export interface Generated {
  /** README path from the repository's root. */
  file: string
  /** The region's name in its markers. */
  name: string
  render: () => string
}

export const GENERATED: Generated[] = [
  { file: 'packages/lifecycle/README.md', name: 'env', render: () => envTable(LifecycleEnv) },
  { file: 'packages/flags/README.md', name: 'env', render: () => envTable(FlagsEnv) },
  {
    file: 'services/catalog/README.md',
    name: 'env',
    render: () =>
      envTable(
        CatalogEnv,
        own(CatalogEnv).filter((name) => !flagFields.includes(name)),
      ),
  },
  {
    file: 'services/recommendations/README.md',
    name: 'env',
    render: () =>
      envTable(
        RecommendationsEnv,
        own(RecommendationsEnv).filter((name) => !flagFields.includes(name)),
      ),
  },
  {
    file: 'services/gateway/README.md',
    name: 'env',
    render: () =>
      envTable(
        GatewayEnv,
        own(GatewayEnv).filter((name) => !flagFields.includes(name)),
      ),
  },
  { file: 'packages/verify/README.md', name: 'options', render: verifyOptionsTable },
  { file: 'docs/demos.md', name: 'scenario-options', render: scenarioOptionsTable },
  { file: 'docs/demos.md', name: 'run-options', render: runOptionsTable },
]

export const startMarker = (name: string) => `<!-- generated: ${name} (node scripts/docs.ts; do not edit) -->`
export const endMarker = (name: string) => `<!-- /generated: ${name} -->`

/** The file's text with its region replaced by `render()`; throws if the markers are missing. */
export function regenerate(text: string, target: Generated): string {
  const start = text.indexOf(startMarker(target.name))
  const end = text.indexOf(endMarker(target.name))
  if (start === -1 || end === -1)
    throw new Error(`${target.file}: add the markers ${startMarker(target.name)} … ${endMarker(target.name)}`)
  return `${text.slice(0, start + startMarker(target.name).length)}\n${target.render()}\n${text.slice(end)}`
}
