import { setTimeout as sleep } from 'node:timers/promises'
import type { RolloutReport } from './report.ts'
import { resolveOptions } from './resolve.ts'
import { Harness, type RolloutHooks } from './run/harness.ts'
import { type GivenOptions, type RolloutOptions, RunSchema, type RunSettings } from './run/options.ts'
import { latencySummary, noEndpointWindows, perVersion, splitPhases, tally } from './run/tally.ts'
import { timeline } from './run/timeline.ts'
import { type HarnessPrometheus, harnessPrometheus } from './scenarios/harness-prometheus.ts'
import { scenarioDefinition } from './scenarios/registry.ts'
import type { ScenarioRunner } from './scenarios/runner.ts'

export type { RolloutHooks } from './run/harness.ts'

/**
 * One proof: pods of the built service behind a connection-level Service, open-loop keep-alive load,
 * then the scenario's change (a rollout, a switch, a drain) with Kubernetes' semantics, every request
 * counted: warm-up before it, a tail after it.
 */
export async function runRollout(given: GivenOptions, hooks: RolloutHooks = {}): Promise<RolloutReport> {
  const options = resolveOptions(given)
  const definition = scenarioDefinition(options.scenario.kind)
  const runner = definition.runner(options, options.scenario)
  const h = new Harness(options, hooks)
  let startMs = 0
  let endMs = 0
  let finalPods: RolloutReport['finalPods'] = []
  let metrics: HarnessPrometheus | undefined
  try {
    await h.open()
    h.progress.phase = 'starting'
    if (options.prometheus && !definition.ownPrometheus) {
      metrics = await harnessPrometheus(h, 1000)
      h.events.record({
        type: 'observed',
        detail: `Prometheus at ${metrics.prometheus.url} scrapes every pod's /metrics (until the run ends)`,
      })
    }
    await runner.setup(h)
    h.progress.phase = 'warm-up'
    if (runner.startLoad) runner.startLoad(h)
    else h.startLoad()
    await sleep(options.warmupMs, undefined, { ref: false })
    startMs = h.clock()
    h.events.record({ type: 'rollout-started', version: runner.toVersion, detail: runner.description })
    await runner.execute(h)
    endMs = h.clock()
    h.events.record({ type: 'rollout-complete', version: runner.toVersion })
    h.progress.phase = 'tail'
    await sleep(options.tailMs, undefined, { ref: false })
  } finally {
    await h.stopLoad()
    // What only the running pods can tell (a gateway's counters), read before they are stopped.
    await runner.collect?.(h)
    finalPods = h.livePods.map((pod) => ({
      name: pod.name,
      version: pod.version,
      ready: pod.ready,
      ...(pod.node ? { node: pod.node } : {}),
    }))
    await h.teardown()
    await runner.cleanup?.()
    await metrics?.stop()
  }
  const found = report(h, runner, startMs, endMs, finalPods)
  return metrics ? { ...found, prometheus: metrics.prometheus.url } : found
}

function report(
  h: Harness,
  runner: ScenarioRunner,
  startMs: number,
  endMs: number,
  finalPods: RolloutReport['finalPods'],
): RolloutReport {
  const { options } = h
  const records = h.records
  return {
    strategy: runner.name,
    unprepared: options.unprepared,
    durationMs: Math.round(h.clock()),
    rolloutMs: Math.round(endMs - startMs),
    ...tally(records),
    latencyMs: latencySummary(records),
    phases: splitPhases(records, startMs, endMs),
    parameters: {
      ...runSettings(options),
      strategy: options.strategy,
      scenario: options.scenario,
      shutdownDelayMs: options.unprepared ? 0 : options.shutdownDelayMs,
      toVersion: runner.toVersion ?? options.fromVersion,
      node: process.version,
    },
    finalPods,
    terminations: h.deployments.flatMap((deployment) => deployment.terminations),
    balancer: h.balancer.stats,
    downtime: noEndpointWindows(h.events.events, h.loadStoppedMs),
    events: h.events.events,
    perVersion: perVersion(records, (pod) => h.versionOfPod(pod)),
    timeline: timeline(records),
    ...runner.details(h),
  }
}

/** Every run option (RunSchema) as the run used it: the report's record of what was measured. */
function runSettings(options: RolloutOptions): Partial<RunSettings> {
  return Object.fromEntries(
    Object.keys(RunSchema.properties)
      .map((key) => [key, options[key as keyof RunSettings]])
      .filter(([, v]) => v !== undefined),
  )
}
