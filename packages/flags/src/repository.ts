import type { UnleashConfig } from 'unleash-client'
import type { FlagsDocument } from './schema.ts'

type RepositoryInterface = NonNullable<UnleashConfig['repository']>
type FeatureInterface = NonNullable<ReturnType<RepositoryInterface['getToggle']>>
type Segment = NonNullable<ReturnType<RepositoryInterface['getSegment']>>

/** What the SDK's evaluator (`unleash-client/lib/client.js`) reads of a repository: flags and segments. */
export type EvaluatorRepository = Pick<RepositoryInterface, 'getToggle' | 'getToggles' | 'getSegment'>

/**
 * One fixed document as the SDK's evaluator reads it: the flags and their segments, for offline evaluation
 * (evaluate.ts), with no flags at all as well. The SDK's own repository only reports ready once a bootstrap
 * or a fetch brought at least one flag, and its bootstrap takes no segments from a file's document;
 * evaluation itself stays the SDK's.
 */
export class FixedRepository implements EvaluatorRepository {
  readonly #features: Map<string, FeatureInterface>
  readonly #segments: Map<number, Segment>

  constructor(doc: FlagsDocument) {
    // Validated against the client-features schema, the shape the SDK reads (its own types are narrower
    // about nulls Unleash does send, such as `description: null`).
    this.#features = new Map(doc.features.map((f) => [f.name, f as unknown as FeatureInterface]))
    this.#segments = new Map((doc.segments ?? []).map((s) => [s.id, s as unknown as Segment]))
  }

  getToggle(name: string): FeatureInterface | undefined {
    return this.#features.get(name)
  }

  getToggles(): FeatureInterface[] {
    return [...this.#features.values()]
  }

  getSegment(id: number): Segment | undefined {
    return this.#segments.get(id)
  }
}
