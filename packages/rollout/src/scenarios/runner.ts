import type { Harness } from '../run/harness.ts'

/**
 * The scenario-specific part of a report: `aborted` when it stopped early, and its own section under its own
 * name (`canary`, `ab`, …; RolloutReport in run/report.ts lists the built-in ones).
 */
export interface ScenarioDetails {
  aborted?: string
  readonly [section: string]: unknown
}

/**
 * One way of changing (or disturbing) a running service. The run (run.ts) owns the rest: the harness, the
 * load, warm-up and tail, the report. A runner may put something in front of the Service (a gateway) by
 * passing its origin to `harness.startLoad`, which is how app-level strategies plug in.
 */
export interface ScenarioRunner {
  /** The report's `strategy`. */
  readonly name: string
  /** The rollout-started event's detail, e.g. "RollingUpdate" or the canary steps. */
  readonly description: string
  /** The version the change brings, if it brings one (a node drain does not). */
  readonly toVersion: string | undefined
  /** Creates what runs before the change and waits until the Service has its endpoints. */
  setup(harness: Harness): Promise<void>
  /** The change itself, under load; set `harness.progress.phase` for people watching. */
  execute(harness: Harness): Promise<void>
  details(harness: Harness): ScenarioDetails
  /** Starts the load itself, e.g. through a gateway with users (default: `harness.startLoad()`). */
  startLoad?(harness: Harness): void
  /** After the load stopped, before the pods are stopped: read what only they can tell. Never throws. */
  collect?(harness: Harness): Promise<void>
  /** After the teardown: remove what the runner created outside the harness (scratch files). */
  cleanup?(): Promise<void>
}
