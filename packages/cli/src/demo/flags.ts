import { Kind, type TSchema } from '@sinclair/typebox'
import { flagOf, RunSchema, type ScenarioDefinition, scenarioDefinitions, toText } from '@zdd/rollout'
import type { FlagSpec } from '../args.ts'

/** Options of `demo` that belong to the CLI, not to a run: the output files and the service's latency. */
const CLI_FLAGS: FlagSpec = {
  'latency-ms': {
    type: 'string',
    description:
      'time each backend takes per request (CATALOG_LATENCY_MS; ab, shadow: RECOMMENDATIONS_LATENCY_MS; 0-5000)',
    default: '0',
  },
  json: { type: 'string', description: 'write the report as JSON to this file' },
  html: { type: 'string', description: 'write a self-contained HTML report (chart, events) to this file' },
  help: { type: 'boolean', description: 'show this help' },
}

/** The scenarios `zdd demo` offers, in order. */
export function scenarioNames(): string[] {
  return scenarioDefinitions().map((d) => d.kind)
}

/** What `demo all` runs: every scenario but those that say otherwise (gateway-rolling proves the gateway). */
export function allScenarioNames(): string[] {
  return scenarioDefinitions()
    .filter((d) => d.inAll !== false)
    .map((d) => d.kind)
}

/** The flags of one scenario (its own, the run's, the CLI's), with the defaults that scenario starts from. */
export function flagsFor(definition: ScenarioDefinition): FlagSpec {
  return {
    ...schemaFlags(definition.options),
    ...schemaFlags(RunSchema, definition.runDefaults),
    ...CLI_FLAGS,
  }
}

/** Every flag any scenario takes; a run option's default names the scenarios that start elsewhere. */
export function allFlags(): FlagSpec {
  const definitions = scenarioDefinitions()
  const run = schemaFlags(RunSchema)
  for (const [option, schema] of Object.entries(RunSchema.properties)) {
    const others = definitions
      .filter((d) => d.runDefaults?.[option as keyof typeof d.runDefaults] !== undefined)
      .map((d) => `${d.kind}: ${toText(d.runDefaults?.[option as keyof typeof d.runDefaults])}`)
    const flag = run[flagOf(option, schema)]
    if (flag && others.length > 0) flag.default = [flag.default ?? 'none', ...others].join('; ')
  }
  const own: FlagSpec = {}
  for (const [flag, spec] of Object.entries(
    Object.assign({}, ...definitions.map((d) => schemaFlags(d.options))) as FlagSpec,
  )) {
    own[flag] = { ...spec, description: `[${ownersOf(flag).join(', ')}] ${spec.description}` }
  }
  return { ...own, ...run, ...CLI_FLAGS }
}

/** The scenarios a flag belongs to (none for the run's and the CLI's own). */
export function ownersOf(flag: string): string[] {
  return scenarioDefinitions()
    .filter((d) => flag in schemaFlags(d.options))
    .map((d) => d.kind)
}

function schemaFlags(schema: TSchema, defaults: Record<string, unknown> = {}): FlagSpec {
  const spec: FlagSpec = {}
  for (const [option, property] of Object.entries(schema.properties as Record<string, TSchema>)) {
    const fallback = defaults[option] ?? property.default
    spec[flagOf(option, property)] = {
      type: property[Kind] === 'Boolean' ? 'boolean' : 'string',
      description: `${property.description ?? option}${range(property)}`,
      ...(fallback === undefined || property[Kind] === 'Boolean' ? {} : { default: toText(fallback) }),
    }
  }
  return spec
}

/** A whole number's bounds, for the help: "(1-20000)". */
function range(schema: TSchema): string {
  const kind = schema[Kind]
  if ((kind !== 'Integer' && kind !== 'Number') || schema.minimum === undefined) return ''
  return ` (${schema.minimum}-${schema.maximum ?? '∞'})`
}
