import type { Context, UnleashConfig, Variant } from 'unleash-client'
// The SDK's evaluator alone, without the SDK's client around it: the client also loads its HTTP stack
// (make-fetch-happen, cacache, proxy agents, streaming), which offline mode never uses and which cost most
// of the SDK's start-up time and memory (bench/RESULTS.md, start-up). Evaluation stays the SDK's own code.
import sdkClient from 'unleash-client/lib/client.js'
import { defaultStrategies } from 'unleash-client/lib/strategy/index.js'
import { FixedRepository } from './repository.ts'
import type { FlagsDocument } from './schema.ts'

// A CommonJS module with `exports.default`: Node hands ESM its whole `module.exports` as the default.
const UnleashClient = sdkClient.default
type UnleashClient = InstanceType<typeof UnleashClient>
type RepositoryInterface = NonNullable<UnleashConfig['repository']>

/** The SDK's flag definitions, as `list()` summarises them. */
export type FeatureDefinition = ReturnType<FixedRepository['getToggles']>[number]

/** What `FlagClient` decides with: the SDK's evaluator offline, the whole SDK client in server mode. */
export interface Evaluator {
  decide(name: string, context: Context, fallback: boolean): boolean
  decideVariant(name: string, context: Context, fallbackVariant: Variant): Variant
  definitions(): FeatureDefinition[]
  /** Stops it for good (server mode: flushes usage metrics first, bounded). */
  close(): Promise<void>
}

export const ANSWER_FALSE = () => false
export const ANSWER_TRUE = () => true

/**
 * Whether a context already carries both static fields. The SDK's client copies every context into a new
 * object with `{ appName, environment }` underneath for every decision; a context that carries both gives
 * the same result uncopied (request.flags' always does), and that copy cost as much as everything
 * @zdd/flags adds per request (bench/flags).
 */
export function isComplete(context: Context): boolean {
  return context.appName !== undefined && context.environment !== undefined
}

/** Offline: one fixed document, evaluated by the SDK's evaluator with its default strategies. */
export class OfflineEvaluator implements Evaluator {
  readonly #client: UnleashClient
  readonly #repository: FixedRepository
  readonly #static: Context

  constructor(appName: string, environment: string, doc: FlagsDocument, onError: (err: Error) => void) {
    this.#repository = new FixedRepository(doc)
    // The evaluator's constructor asks for a whole repository (events, start, stop, fetching); what it reads
    // is getToggle and getSegment (conformance.test.ts runs Unleash's client specification through it).
    this.#client = new UnleashClient(this.#repository as unknown as RepositoryInterface, defaultStrategies)
    // Malformed definitions are reported as 'error' events; one without a listener would crash the process.
    this.#client.on('error', onError)
    this.#static = { appName, environment }
  }

  decide(name: string, context: Context, fallback: boolean): boolean {
    const full = isComplete(context) ? context : { ...this.#static, ...context }
    return this.#client.isEnabled(name, full, fallback ? ANSWER_TRUE : ANSWER_FALSE)
  }

  decideVariant(name: string, context: Context, fallbackVariant: Variant): Variant {
    const full = isComplete(context) ? context : { ...this.#static, ...context }
    return this.#client.getVariant(name, full, fallbackVariant)
  }

  definitions(): FeatureDefinition[] {
    return this.#repository.getToggles()
  }

  /** Nothing to stop: no timers, sockets or listeners outside this object. */
  async close(): Promise<void> {}
}
