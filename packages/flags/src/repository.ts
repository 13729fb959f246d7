import { EventEmitter } from 'node:events'
import type { UnleashConfig } from 'unleash-client'
// The events enum alone: the package's index would load the whole SDK client (see evaluate.ts).
import { UnleashEvents } from 'unleash-client/lib/events.js'
import type { FlagsDocument } from './schema.ts'

type RepositoryInterface = NonNullable<UnleashConfig['repository']>
type FeatureInterface = NonNullable<ReturnType<RepositoryInterface['getToggle']>>
type Segment = NonNullable<ReturnType<RepositoryInterface['getSegment']>>
type EnhancedFeature = ReturnType<RepositoryInterface['getTogglesWithSegmentData']>[number]

/**
 * The SDK's repository interface over one fixed document: the flags and their segments, for the SDK's
 * evaluator offline (evaluate.ts), with no flags at all as well. The SDK's own repository only reports
 * ready once a bootstrap or a fetch brought at least one flag, and its bootstrap takes no segments from
 * a file's document; evaluation itself stays the SDK's.
 */
export class FixedRepository extends EventEmitter implements RepositoryInterface {
  readonly #features: Map<string, FeatureInterface>
  readonly #segments: Map<number, Segment>

  constructor(doc: FlagsDocument) {
    super()
    // Validated against the client-features schema, the shape the SDK reads (its own types are narrower
    // about nulls Unleash does send, such as `description: null`).
    this.#features = new Map(doc.features.map((f) => [f.name, f as unknown as FeatureInterface]))
    this.#segments = new Map((doc.segments ?? []).map((s) => [s.id, s as unknown as Segment]))
  }

  async start(): Promise<void> {
    this.emit(UnleashEvents.Ready)
  }

  stop(): void {
    this.removeAllListeners()
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

  getTogglesWithSegmentData(): EnhancedFeature[] {
    return this.getToggles().map((feature) => ({
      ...feature,
      strategies: feature.strategies?.map(({ segments, ...strategy }) => ({
        ...strategy,
        segments: segments?.map((id) => this.getSegment(id)),
      })),
    })) as EnhancedFeature[]
  }
}
