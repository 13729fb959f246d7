import type { Strategy } from './model/strategy.ts'
import { type GivenOptions, type RolloutOptions, RunSchema, type RunSettings } from './run/options.ts'
import type { ScenarioDefinition } from './scenarios/define.ts'
import { scenarioDefinition } from './scenarios/registry.ts'
import { withDefaults } from './schema/defaults.ts'
import { invalidOptions, type Problem, problemsOf } from './schema/rules.ts'

const ROLLING: Strategy = { type: 'RollingUpdate', maxSurge: '25%', maxUnavailable: '25%' }

/**
 * The run's options: the caller's, then the scenario's own defaults, then the general ones (RunSchema),
 * each checked against its schema and the scenario's cross-option rules. Every problem is reported at
 * once, naming the option; nothing is half-applied.
 */
export function resolveOptions(given: GivenOptions): RolloutOptions {
  const kind = given.scenario?.kind ?? (given.strategy?.type === 'Recreate' ? 'recreate' : 'rolling')
  const definition = scenarioDefinition(kind)
  const { service, stack, strategy: givenStrategy, scenario: givenScenario, ...runGiven } = given
  const run = runSettings(definition, dropUndefined(runGiven))
  const { kind: _, ...scenarioGiven } = givenScenario ?? { kind }
  const scenario = {
    kind,
    ...withDefaults(definition.options, {
      ...definition.defaultsFor?.(run),
      ...dropUndefined(scenarioGiven),
    }),
  } as RolloutOptions['scenario']
  const problems: Problem[] = [...problemsOf(RunSchema, run)]
  if (run.propagationJitterMs > run.propagationDelayMs) {
    problems.push({
      option: 'propagationJitterMs',
      rule: `must not exceed propagationDelayMs (${run.propagationDelayMs})`,
      got: run.propagationJitterMs,
    })
  }
  if (run.fromVersion === run.toVersion) {
    problems.push({ option: 'toVersion', rule: `must differ from fromVersion`, got: run.toVersion })
  }
  const scenarioProblems = problemsOf(definition.options, scenario)
  problems.push(...scenarioProblems)
  if (scenarioProblems.length === 0) problems.push(...(definition.check?.(scenario, run) ?? []))
  const strategy = givenStrategy ?? definition.strategy?.(scenario) ?? ROLLING
  if (strategy.type === 'Recreate' && kind !== 'recreate') {
    problems.push({ option: 'strategy', rule: `Recreate does not fit the ${kind} scenario`, got: strategy })
  }
  if (definition.gateway && !stack) {
    problems.push({
      option: 'stack',
      rule: `is needed: the ${kind} scenario runs a gateway, the built services and a flags editor`,
      got: undefined,
    })
  }
  if (problems.length > 0) throw invalidOptions(problems)
  return { ...run, scenario, strategy, service, ...(stack ? { stack } : {}) }
}

/** The general defaults, under the scenario's, under the caller's; the jitter defaults to at most the delay. */
function runSettings(definition: ScenarioDefinition, given: Partial<RunSettings>): RunSettings {
  const base = withDefaults(RunSchema, {}) as RunSettings
  const run = { ...base, ...definition.runDefaults, ...given }
  if (given.propagationJitterMs === undefined && definition.runDefaults?.propagationJitterMs === undefined) {
    run.propagationJitterMs = Math.min(base.propagationJitterMs, run.propagationDelayMs)
  }
  return run
}

function dropUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>
}
