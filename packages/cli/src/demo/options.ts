import type { TSchema } from '@sinclair/typebox'
import {
  DEFAULT_SERVICE,
  flagOf,
  fromText,
  type GivenOptions,
  type Problem,
  type RolloutOptions,
  RunSchema,
  resolveOptions,
  type ScenarioDefinition,
  scenarioDefinition,
} from '@zdd/rollout'
import { intFlag } from '../args.ts'
import { UsageError } from '../errors.ts'
import { serviceEntry } from '../paths.ts'
import { appStack } from './app-stack.ts'
import { ownersOf } from './flags.ts'

export type Flags = Record<string, string | boolean | undefined>
export type DemoOptions = RolloutOptions

/** Rejects a flag of another scenario, naming the scenarios it applies to. */
export function rejectForeignFlags(kind: string, flags: Flags): void {
  for (const flag of Object.keys(flags)) {
    const owners = ownersOf(flag)
    if (owners.length > 0 && !owners.includes(kind)) {
      throw new UsageError(`--${flag} applies to ${owners.join(', ')} only`)
    }
  }
}

/**
 * The run's options from the flags: each read by its schema (the scenario's and the run's), then resolved
 * and checked by @zdd/rollout, so defaults and bounds are written once. Every bad value is a usage error
 * naming its flag and what was typed.
 */
export function optionsFrom(kind: string, flags: Flags): DemoOptions {
  const definition = scenarioDefinition(kind)
  const scenario = { kind, ...fromFlags(definition.options, flags) }
  const latencyMs = intFlag(flags, 'latency-ms', 0, 0, 5000)
  const given: GivenOptions = {
    ...fromFlags(RunSchema, flags),
    scenario,
    service: { name: DEFAULT_SERVICE.name, entry: '', path: DEFAULT_SERVICE.path },
    ...(definition.gateway ? { stack: appStack() } : {}),
  }
  let options: RolloutOptions
  try {
    options = resolveOptions(given)
  } catch (err) {
    const problems = (err as { problems?: Problem[] }).problems
    if (!problems) throw err
    throw new UsageError(problems.map((p) => usageOf(definition, p, flags)).join('\n'))
  }
  return { ...options, service: serviceOf(definition, options.scenario, latencyMs) }
}

/** The values of the flags that name options of `schema`, read from their text by the schema. */
function fromFlags(schema: TSchema, flags: Flags): Record<string, unknown> {
  const values: Record<string, unknown> = {}
  for (const [option, property] of Object.entries(schema.properties as Record<string, TSchema>)) {
    const raw = flags[flagOf(option, property)]
    if (raw !== undefined) values[option] = typeof raw === 'boolean' ? raw : fromText(property, raw)
  }
  return values
}

/** "--steps must be … (got "2,1")": the flag as typed, or the option's name when no flag sets it. */
function usageOf(definition: ScenarioDefinition, problem: Problem, flags: Flags): string {
  const option = problem.option.split('.')[0] ?? problem.option
  const schema = (definition.options.properties[option] ??
    RunSchema.properties[option as keyof typeof RunSchema.properties]) as TSchema | undefined
  if (!schema) return `${problem.option} ${problem.rule}`
  const flag = flagOf(option, schema)
  const typed = flags[flag]
  const got = typed === undefined ? `default ${JSON.stringify(problem.got)}` : `"${String(typed)}"`
  return `--${flag} ${problem.rule} (got ${got})`
}

/** The service the Deployment under test runs, from the scenario, built in this checkout. */
function serviceOf(
  definition: ScenarioDefinition,
  scenario: RolloutOptions['scenario'],
  latencyMs: number,
): DemoOptions['service'] {
  const service = definition.service?.(scenario) ?? DEFAULT_SERVICE
  return {
    name: service.name,
    entry: serviceEntry(service.name),
    path: service.path,
    env: {
      ...(service.latencyEnv ? { [service.latencyEnv]: String(latencyMs) } : {}),
      ...service.env,
    },
  }
}
