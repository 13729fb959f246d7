import type { Clock } from '../model/clock.ts'
import type { EventLog } from '../model/events.ts'
import type { RequestRecord } from '../run/load.ts'

/** What `kubectl drain` of one node did. */
export interface DrainOutcome {
  evicted: string[]
  /** Evictions answered 429 (the PodDisruptionBudget would have been breached), each retried. */
  refusals: number
  /** Every pod left the node; false when the budgets held it at the drain's timeout. */
  complete: boolean
  durationMs: number
}

/**
 * Where a strategy runs: the model of `@zdd/rollout` (in-process controllers and endpoints) or a real
 * cluster (`@zdd/cluster`, through kubectl). A plan (plans/*.ts) is written once against this interface and
 * runs unchanged on both; each backend sets up its own starting state (the model creates its objects, the
 * cluster applies the strategy's overlay) and measures the same load.
 */
export interface Backend {
  readonly kind: 'model' | 'cluster'
  readonly clock: Clock
  readonly events: EventLog
  /** The load's requests so far (harness clock). */
  records(): readonly RequestRecord[]
  versionOfPod(pod: string): string | undefined
  /** What the run is doing now, for people watching. */
  phase(text: string): void
  /**
   * Rolls a Deployment's pods (its own strategy): to `version` when given, else a restart of the same one;
   * `replicas` sets its size at the same time. Resolves when the rollout is complete and the old pods gone.
   */
  roll(deployment: string, change: { version?: string; replicas?: number }): Promise<void>
  /** Resolves when exactly `replicas` pods are ready and the removed ones are out of the Service. */
  scale(deployment: string, replicas: number): Promise<void>
  /** Moves a Service's selector to the pods of one colour (blue-green), recording the switch with `detail`. */
  selectColour(service: string, colour: 'blue' | 'green', detail: string): Promise<void>
  /** node → names of the Deployment's pods running there. */
  placement(deployment: string): Promise<Record<string, string[]>>
  /** `kubectl drain`: cordon, then evict every pod through the Eviction API. */
  drain(node: string): Promise<DrainOutcome>
  uncordon(node: string): Promise<void>
  /** Resolves when every Deployment has all its replicas available again. */
  recovered(): Promise<void>
  sleep(ms: number): Promise<void>
}

/** A strategy's steps, backend-neutral: what `zdd demo <strategy>` and `--cluster` both run under load. */
export interface Plan<Details> {
  readonly name: string
  readonly description: string
  readonly toVersion: string | undefined
  execute(backend: Backend): Promise<void>
  /** What the run found, from the backend's records and events; read after the load stopped. */
  details(backend: Backend): Details
}
