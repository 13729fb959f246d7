import type { Clock } from './clock.ts'

export type RolloutEventType =
  | 'pod-created'
  | 'pod-ready'
  | 'pod-not-ready'
  | 'pod-terminating'
  | 'pod-sigterm'
  | 'pod-sigkill'
  | 'pod-exited'
  | 'pod-restarted'
  | 'endpoint-added'
  | 'endpoint-removed'
  | 'rollout-started'
  | 'rollout-complete'
  | 'load-started'
  | 'load-stopped'
  | 'scaled'
  | 'selector-switched'
  /** Gateway-weighted strategies (canary-flags, ab): a rollout % or variant weights changed. */
  | 'weight-changed'
  /** A flag switched on or off (feature-switch, shadow): behaviour changes without a deploy. */
  | 'flag-changed'
  /** What a gateway strategy observed after a change: shares, latency, comparison counts. */
  | 'observed'
  | 'preview-checked'
  | 'canary-step'
  | 'canary-observed'
  | 'rollout-aborted'
  /** A progressive rollout's look at its step (Prometheus' numbers, the verdict). */
  | 'canary-analysis'
  | 'rollout-paused'
  /** An operator's pause, resume, promote or abort reached the rollout. */
  | 'operator-command'
  | 'node-cordoned'
  | 'node-uncordoned'
  | 'pod-evicted'
  | 'eviction-refused'
  | 'node-drained'

export interface RolloutEvent {
  tMs: number
  type: RolloutEventType
  pod?: string
  version?: string
  detail?: string
  /** The Service an endpoint event belongs to, when the run has more than one (unset: the main one). */
  service?: string
}

/** The rollout's timeline, for reports and for people watching. */
export class EventLog {
  readonly events: RolloutEvent[] = []
  readonly #clock: Clock
  readonly #listeners = new Set<(event: RolloutEvent) => void>()

  constructor(clock: Clock) {
    this.#clock = clock
  }

  record(event: Omit<RolloutEvent, 'tMs'>): void {
    const full = { tMs: Math.round(this.#clock()), ...event }
    this.events.push(full)
    for (const listener of this.#listeners) listener(full)
  }

  subscribe(listener: (event: RolloutEvent) => void): () => void {
    this.#listeners.add(listener)
    return () => this.#listeners.delete(listener)
  }

  first(type: RolloutEventType): RolloutEvent | undefined {
    return this.events.find((event) => event.type === type)
  }
}
