import type { Clock, EventLog, RequestRecord } from '@zdd/rollout'
import type { RunResult } from '../run.ts'

/** What a scenario on the real cluster works with: kubectl (as a user would), the run's events and clock. */
export interface ClusterContext {
  namespace: string
  kubectl(args: string[], options?: { input?: string; check?: boolean }): Promise<RunResult>
  events: EventLog
  clock: Clock
  log(line: string): void
  /** The load's requests so far. */
  records(): readonly RequestRecord[]
  /** A pod's version, from its `app.kubernetes.io/version` label as the watch saw it. */
  versionOfPod(pod: string): string | undefined
}

/** One strategy on the real cluster. `setup` runs before the load starts, `execute` under load. */
export interface ClusterScenario {
  name: string
  description: string
  /** The strategy overlay under k8s/overlays (components/local is added); default `local`. */
  overlay?: string
  /** It starts its own Prometheus (the run's `--prometheus` would be a second one). */
  ownPrometheus?: boolean
  /** Components the scenario adds on top of it (the app-level canary's, the flags ConfigMap). */
  components?: readonly string[]
  /** Deployments whose SHUTDOWN_MODE the unprepared control switches (the ones the scenario replaces pods of). */
  rolled: string[]
  toVersion?: string
  setup?(ctx: ClusterContext): Promise<void>
  /**
   * Where the load goes, known after `setup` (e.g. a router it started); default: the gateway's NodePort
   * and the run's path.
   */
  loadTarget?(): { origin: string; path: string } | undefined
  execute(ctx: ClusterContext): Promise<void>
  /** Puts the namespace back as the overlay has it (objects the scenario added, a moved selector). */
  cleanup?(ctx: ClusterContext): Promise<void>
  /** Extra report fields, computed from the run's records. */
  details?(records: readonly RequestRecord[]): Record<string, unknown>
}

/** `kubectl rollout restart` and wait for `rollout status`, with events around it. */
export async function restartAndWait(ctx: ClusterContext, deployment: string, timeoutS = 300): Promise<void> {
  ctx.log(`kubectl rollout restart deployment/${deployment}`)
  await ctx.kubectl(['-n', ctx.namespace, 'rollout', 'restart', `deployment/${deployment}`])
  await waitRolledOut(ctx, [deployment], timeoutS)
  ctx.events.record({ type: 'rollout-complete', detail: `deployment/${deployment} rolled out` })
}

/** `kubectl rollout status` of each Deployment, in turn. */
export async function waitRolledOut(
  ctx: ClusterContext,
  deployments: string[],
  timeoutS = 300,
): Promise<void> {
  for (const deployment of deployments) {
    await ctx.kubectl([
      '-n',
      ctx.namespace,
      'rollout',
      'status',
      `deployment/${deployment}`,
      `--timeout=${timeoutS}s`,
    ])
  }
}
