import { type TSchema, Type } from '@sinclair/typebox'
import type { FlagsDocument } from './schema.ts'
import { Feature, type FeatureDefinition, firstError, Segment, type SegmentDefinition } from './schema.ts'

// Unleash's delta form of a client-features response ({"events": [...]}, what unleash-client also accepts
// from /api/client/features), folded in order into the full document it describes.

const EVENTS = {
  hydration: Type.Object({ features: Type.Array(Feature), segments: Type.Optional(Type.Array(Segment)) }),
  'feature-updated': Type.Object({ feature: Feature }),
  'feature-removed': Type.Object({ featureName: Type.String({ minLength: 1 }) }),
  'segment-updated': Type.Object({ segment: Segment }),
  'segment-removed': Type.Object({ segmentId: Type.Integer() }),
} satisfies Record<string, TSchema>
type EventType = keyof typeof EVENTS

type DeltaEvent =
  | { type: 'hydration'; features: FeatureDefinition[]; segments?: SegmentDefinition[] }
  | { type: 'feature-updated'; feature: FeatureDefinition }
  | { type: 'feature-removed'; featureName: string }
  | { type: 'segment-updated'; segment: SegmentDefinition }
  | { type: 'segment-removed'; segmentId: number }

/** A delta document: an object with an `events` list and no `features`. */
export function isDelta(json: unknown): json is { events: unknown } {
  return typeof json === 'object' && json !== null && 'events' in json && !('features' in json)
}

/** The full document the events describe; throws `<path> <problem>` for the first bad event. */
export function foldDelta(json: { events: unknown }): FlagsDocument {
  if (!Array.isArray(json.events)) throw new Error('/events Expected array')
  const features = new Map<string, FeatureDefinition>()
  const segments = new Map<number, SegmentDefinition>()
  json.events.forEach((event: unknown, i) => {
    const at = `/events/${i}`
    const type = (event as { type?: unknown } | null)?.type
    if (typeof type !== 'string' || !Object.hasOwn(EVENTS, type)) {
      throw new Error(
        `${at}/type must be one of ${Object.keys(EVENTS).join(', ')}, got ${JSON.stringify(type)}`,
      )
    }
    const problem = firstError(EVENTS[type as EventType], event, at)
    if (problem) throw new Error(problem)
    apply(event as DeltaEvent, features, segments)
  })
  return { version: 2, features: [...features.values()], segments: [...segments.values()] }
}

function apply(
  event: DeltaEvent,
  features: Map<string, FeatureDefinition>,
  segments: Map<number, SegmentDefinition>,
): void {
  switch (event.type) {
    case 'hydration':
      features.clear()
      segments.clear()
      for (const feature of event.features) features.set(feature.name, feature)
      for (const segment of event.segments ?? []) segments.set(segment.id, segment)
      return
    case 'feature-updated':
      features.set(event.feature.name, event.feature)
      return
    case 'feature-removed':
      features.delete(event.featureName)
      return
    case 'segment-updated':
      segments.set(event.segment.id, event.segment)
      return
    case 'segment-removed':
      segments.delete(event.segmentId)
      return
  }
}
