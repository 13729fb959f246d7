import type { Static, TObject } from '@sinclair/typebox'
import type { Strategy } from '../model/strategy.ts'
import type { RolloutOptions, RunSettings } from '../run/options.ts'
import type { Problem } from '../schema/rules.ts'
import type { ScenarioRunner } from './runner.ts'

/** The built service a scenario's Deployment runs, the path its load asks, and its demo latency variable. */
export interface ScenarioService {
  name: string
  path: string
  /** The environment variable that slows the service down (the demos' `--latency-ms`). */
  latencyEnv?: string
  /** The environment variable that makes it fail a share of requests (a bad build for canary demos). */
  errorEnv?: string
  /** Variables the scenario sets on it, from its options. */
  env?: Record<string, string>
}

/**
 * Everything about one scenario, in its own file (`scenarios/<kind>.scenario.ts`, default export): the
 * registry finds it there, the CLI derives its flags, help and validation from `options`, and the report
 * carries the options as resolved. Adding a scenario is adding that file and its test.
 */
export interface ScenarioDefinition<S extends TObject = TObject> {
  /** `zdd demo <kind>`, and the report's strategy. */
  readonly kind: string
  /** One line for the help. */
  readonly summary: string
  /** Its place in lists and in `zdd demo all`. */
  readonly order: number
  /** Whether `zdd demo all` runs it (default true). */
  readonly inAll?: boolean
  /** Its options, each with a description, a default and bounds (TypeBox). */
  readonly options: S
  /** Run options it starts from instead of the general defaults (e.g. more replicas). */
  readonly runDefaults?: Partial<RunSettings>
  /** Defaults of its own options that depend on the run's (e.g. canary steps below the replicas). */
  defaultsFor?(run: RunSettings): Partial<Static<S>>
  /** It runs a real gateway in front of the Service(s), so it needs `RolloutOptions.stack`. */
  readonly gateway?: boolean
  /** It starts its own Prometheus (the run's `--prometheus` would be a second one). */
  readonly ownPrometheus?: boolean
  /** The service its Deployment runs (default: the catalog at /products). */
  service?(scenario: Static<S>): ScenarioService
  /** The Deployment strategy it implies (default: RollingUpdate with 25 % surge and unavailable). */
  strategy?(scenario: Static<S>): Strategy
  /** Rules across options, beyond each one's own bounds. */
  check?(scenario: Static<S>, run: RunSettings): Problem[]
  /** The run itself. */
  runner(options: RolloutOptions, scenario: Static<S>): ScenarioRunner
}

/** A scenario definition, typed from its options schema. */
export function defineScenario<S extends TObject>(definition: ScenarioDefinition<S>): ScenarioDefinition<S> {
  return Object.freeze(definition)
}

/** The catalog's demo knob that fails a share of its requests (a bad build). */
export const CATALOG_ERROR_ENV = 'CATALOG_ERROR_PERCENT'

export const DEFAULT_SERVICE: ScenarioService = {
  name: 'catalog',
  path: '/products',
  latencyEnv: 'CATALOG_LATENCY_MS',
  errorEnv: CATALOG_ERROR_ENV,
}
