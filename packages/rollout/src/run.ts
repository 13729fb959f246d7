import { setTimeout as sleep } from 'node:timers/promises'
import { ServiceBalancer } from './balancer.ts'
import { startClock } from './clock.ts'
import { Deployment } from './deployment.ts'
import { EndpointsController } from './endpoints.ts'
import { EventLog, type RolloutEvent } from './events.ts'
import { LoadGenerator, type RequestRecord } from './load.ts'
import { resolveOptions } from './options.ts'
import type { PodTemplate } from './pod.ts'
import { Progress, type ProgressSnapshot } from './progress.ts'
import { latencySummary, noEndpointWindows, type RolloutReport, splitPhases, tally } from './report.ts'

export interface RolloutHooks {
  onProgress?: (snapshot: ProgressSnapshot) => void
  onEvent?: (event: RolloutEvent) => void
  progressIntervalMs?: number
}

/**
 * One proof: pods of the built service behind a connection-level Service, open-loop keep-alive load,
 * the Deployment rolled from one version to the next with Kubernetes' semantics, every request counted.
 */
export async function runRollout(
  given: Parameters<typeof resolveOptions>[0],
  hooks: RolloutHooks = {},
): Promise<RolloutReport> {
  const options = resolveOptions(given)
  const clock = startClock()
  const events = new EventLog(clock)
  const unsubscribe = hooks.onEvent ? events.subscribe(hooks.onEvent) : () => false
  const balancer = new ServiceBalancer()
  const endpoints = new EndpointsController(
    balancer,
    { delayMs: options.propagationDelayMs, jitterMs: options.propagationJitterMs },
    events,
  )
  const probe = { periodMs: options.probePeriodMs, timeoutMs: 1000, successThreshold: 1 }
  const deployment = new Deployment(
    {
      name: options.service.name,
      replicas: options.replicas,
      strategy: options.strategy,
      minReadyMs: options.minReadyMs,
      progressDeadlineMs: 120_000,
      pod: {
        readiness: { path: '/readyz', failureThreshold: 1, ...probe },
        liveness: { path: '/livez', failureThreshold: 3, ...probe },
        preStopMs: options.preStopMs,
        terminationGracePeriodMs: options.terminationGracePeriodMs,
      },
    },
    clock,
    events,
    (pod) => endpoints.watch(pod),
  )
  const template = (version: string): PodTemplate => ({
    version,
    command: process.execPath,
    args: [options.service.entry],
    env: {
      LOG_LEVEL: 'warn',
      ...options.service.env,
      SHUTDOWN_MODE: options.unprepared ? 'unprepared' : 'graceful',
      SHUTDOWN_DELAY_MS: String(options.shutdownDelayMs),
      SHUTDOWN_TIMEOUT_MS: String(
        Math.max(options.terminationGracePeriodMs - 1000, options.shutdownDelayMs + 1000),
      ),
    },
  })

  const progress = new Progress(clock)
  const port = await balancer.listen()
  const load = new LoadGenerator(
    {
      origin: `http://127.0.0.1:${port}`,
      path: options.service.path,
      rps: options.rps,
      connections: options.connections,
      timeoutMs: options.requestTimeoutMs,
    },
    clock,
    (record: RequestRecord) => progress.add(record),
  )
  const ticker = hooks.onProgress
    ? setInterval(() => hooks.onProgress?.(progress.snapshot()), hooks.progressIntervalMs ?? 200)
    : undefined
  ticker?.unref()

  let startMs = 0
  let endMs = 0
  let loadStarted = false
  let finalPods: RolloutReport['finalPods'] = []
  let loadStoppedMs = 0
  try {
    progress.phase = 'starting'
    await deployment.create(template(options.fromVersion))
    while (balancer.endpointNames.length < options.replicas) await sleep(20)
    progress.phase = 'warm-up'
    load.start()
    loadStarted = true
    events.record({
      type: 'load-started',
      detail: `${options.rps} req/s over ≤${options.connections} connections`,
    })
    await sleep(options.warmupMs)
    progress.phase = 'rolling'
    startMs = clock()
    events.record({ type: 'rollout-started', version: options.toVersion, detail: options.strategy.type })
    await deployment.rollout(template(options.toVersion))
    endMs = clock()
    events.record({ type: 'rollout-complete', version: options.toVersion })
    progress.phase = 'tail'
    await sleep(options.tailMs)
  } finally {
    if (loadStarted) {
      await load.stop()
      loadStoppedMs = clock()
      events.record({ type: 'load-stopped' })
    }
    clearInterval(ticker)
    hooks.onProgress?.(progress.snapshot())
    finalPods = deployment.live.map((pod) => ({ name: pod.name, version: pod.version, ready: pod.ready }))
    unsubscribe()
    endpoints.stop()
    await deployment.killAll()
    await balancer.close()
  }

  const records = load.records
  return {
    strategy: options.strategy.type === 'Recreate' ? 'recreate' : 'rolling',
    unprepared: options.unprepared,
    durationMs: Math.round(clock()),
    ...tally(records),
    latencyMs: latencySummary(records),
    phases: splitPhases(records, startMs, endMs),
    parameters: {
      replicas: options.replicas,
      rps: options.rps,
      connections: options.connections,
      strategy: options.strategy,
      propagationDelayMs: options.propagationDelayMs,
      propagationJitterMs: options.propagationJitterMs,
      shutdownDelayMs: options.unprepared ? 0 : options.shutdownDelayMs,
      minReadyMs: options.minReadyMs,
      preStopMs: options.preStopMs,
      terminationGracePeriodMs: options.terminationGracePeriodMs,
      fromVersion: options.fromVersion,
      toVersion: options.toVersion,
      node: process.version,
    },
    finalPods,
    terminations: deployment.terminations.filter((t) => t.version === options.fromVersion),
    balancer: balancer.stats,
    downtime: noEndpointWindows(events.events, loadStoppedMs),
    events: events.events,
  }
}
