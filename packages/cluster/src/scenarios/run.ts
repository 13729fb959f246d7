import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { type Prometheus, startPrometheus } from '@zdd/prometheus'
import {
  EventLog,
  LoadGenerator,
  latencySummary,
  noEndpointWindows,
  perVersion,
  type RequestRecord,
  type RolloutReport,
  splitPhases,
  startClock,
  tally,
  timeline,
} from '@zdd/rollout'
import { NotRunningError } from '../errors.ts'
import { nodeSockets } from '../images/build-images.ts'
import { loadedImages } from '../images/oci.ts'
import { CLUSTER_SERVICES } from '../images/recipe.ts'
import { kubectl } from '../kubectl.ts'
import { KUBERNETES_VERSION, layout, NETWORK } from '../layout.ts'
import { status } from '../status.ts'
import { Api } from './api.ts'
import { type ClusterContext, type ClusterScenario, waitRolledOut } from './context.ts'
import { type Observed, observe } from './observe.ts'
import { applyOverlay, deployments } from './overlay.ts'
import { followPods } from './pod-targets.ts'

export interface ClusterRunOptions {
  rps: number
  connections: number
  /** Requests per connection before the client closes it and opens a new one (0: keep it all run). */
  maxRequestsPerConnection: number
  unprepared: boolean
  /** Every SHUTDOWN_* variable removed from the services: @zdd/lifecycle's defaults (the adaptive drain). */
  lifecycleDefaults: boolean
  /** A real Prometheus on this machine scraping the namespace's annotated pods during the run. */
  prometheus: boolean
  warmupMs: number
  tailMs: number
  timeoutMs: number
  path: string
}

export const CLUSTER_RUN_DEFAULTS: ClusterRunOptions = {
  rps: 200,
  connections: 16,
  // Clients and proxies recycle keep-alive connections; new connections are what meet kube-proxy's rules
  // while an endpoint removal propagates, so the control can show what an unprepared pod does to them.
  maxRequestsPerConnection: 20,
  unprepared: false,
  lifecycleDefaults: false,
  prometheus: false,
  warmupMs: 3_000,
  tailMs: 3_000,
  timeoutMs: 10_000,
  path: '/api/catalog/products',
}

const NAMESPACE = 'zdd'

/**
 * One proof on the real cluster: the overlay applied with kubectl, open-loop keep-alive load through the
 * gateway's NodePort (kube-proxy's rules, the real Services and EndpointSlices), the scenario's change made
 * with kubectl, every request counted. The report has the model's shape; what only the model can know
 * (its balancer's counters, exit codes of pods it ran) stays empty.
 */
export async function runOnCluster(
  scenario: ClusterScenario,
  given: Partial<ClusterRunOptions> = {},
  log: (line: string) => void = () => {},
): Promise<RolloutReport> {
  const options = { ...CLUSTER_RUN_DEFAULTS, ...given }
  await ensureReady()
  const clock = startClock()
  const events = new EventLog(clock)
  let records: () => readonly RequestRecord[] = () => []
  const ctx: ClusterContext = {
    namespace: NAMESPACE,
    kubectl: (args, o) => kubectl(args, o),
    events,
    clock,
    log,
    records: () => records(),
    versionOfPod: (pod) => versionOfPod(events, pod),
  }
  const overlay = scenario.overlay ?? 'local'
  const choice = {
    lifecycleDefaults: options.lifecycleDefaults,
    ...(scenario.components ? { components: scenario.components } : {}),
  }
  await applyOverlay(ctx, overlay, choice)
  const all = await deployments(ctx)
  await setShutdownMode(ctx, all, scenario.rolled, options.unprepared)
  await waitRolledOut(ctx, all)
  const gateway = { origin: `http://127.0.0.1:${NETWORK.gatewayNodePort}`, path: options.path }
  await waitAnswering(`${gateway.origin}${gateway.path}`)
  const api = new Api()
  let load: LoadGenerator | undefined
  records = () => load?.records ?? []
  let startMs = 0
  let endMs = 0
  let observed: Observed | undefined
  let metrics: { prometheus: Prometheus; stop(): Promise<void> } | undefined
  try {
    observed = observe(api, NAMESPACE, events, clock)
    if (options.prometheus && !scenario.ownPrometheus) {
      metrics = await runPrometheus(api)
      events.record({ type: 'observed', detail: `Prometheus at ${metrics.prometheus.url} scrapes every pod` })
      log(
        `Prometheus at ${metrics.prometheus.url}, scraping the namespace's annotated pods (until the run ends)`,
      )
    }
    await scenario.setup?.(ctx)
    const target = scenario.loadTarget?.() ?? gateway
    if (target !== gateway) await waitAnswering(`${target.origin}${target.path}`)
    load = new LoadGenerator(
      {
        origin: target.origin,
        path: target.path,
        rps: options.rps,
        connections: options.connections,
        maxRequestsPerConnection: options.maxRequestsPerConnection,
        timeoutMs: options.timeoutMs,
        servedBy: ['x-served-by', 'x-zdd-gateway'],
      },
      clock,
    )
    load.start()
    events.record({
      type: 'load-started',
      detail: `${options.rps} req/s over ${options.connections} keep-alive connections to ${target.origin}`,
    })
    log(`load: ${options.rps} req/s, ${options.connections} connections, ${target.origin}${target.path}`)
    await sleep(options.warmupMs)
    startMs = clock()
    events.record({ type: 'rollout-started', detail: scenario.description })
    await scenario.execute(ctx)
    endMs = clock()
    await sleep(options.tailMs)
  } catch (error) {
    await load?.stop()
    api.close()
    await metrics?.stop()
    // What the scenario started beside the cluster (a Prometheus, a Traefik) must not outlive the run.
    await scenario.cleanup?.(ctx).catch((cleanupError: Error) => log(`cleanup: ${cleanupError.message}`))
    throw error
  }
  await load?.stop()
  events.record({ type: 'load-stopped' })
  api.close()
  await metrics?.stop()
  const finalPods = await podsNow()
  await scenario.cleanup?.(ctx)
  // Leave the namespace as the overlay has it: `kubectl apply` keeps an env var it never set.
  // …and wait for it: the next run must not meet this control's unprepared pods still leaving.
  if (options.unprepared) {
    const now = await deployments(ctx)
    await setShutdownMode(ctx, now, scenario.rolled, false)
    await waitRolledOut(ctx, now)
  }
  const requests = load?.records ?? []
  return {
    strategy: scenario.name,
    unprepared: options.unprepared,
    durationMs: Math.round(clock()),
    rolloutMs: Math.round(endMs - startMs),
    ...tally(requests),
    latencyMs: latencySummary(requests),
    phases: splitPhases(requests, startMs, endMs),
    parameters: {
      backend: 'cluster',
      kubernetes: KUBERNETES_VERSION,
      overlay: `k8s/overlays/${overlay}`,
      ...(scenario.components ? { components: scenario.components } : {}),
      rps: options.rps,
      connections: options.connections,
      maxRequestsPerConnection: options.maxRequestsPerConnection,
      shutdown: options.unprepared
        ? 'SHUTDOWN_MODE=unprepared (the control)'
        : options.lifecycleDefaults
          ? "no SHUTDOWN_* variable: the lifecycle's defaults"
          : "the overlay's SHUTDOWN_* settings",
      description: scenario.description,
      node: process.version,
    },
    finalPods,
    terminations: observed?.terminations() ?? [],
    balancer: { connections: 0, noEndpoint: 0, upstreamErrors: {} },
    downtime: noEndpointWindows(events.events, clock()),
    events: events.events,
    perVersion: perVersion(requests, (pod) => versionOfPod(events, pod)),
    timeline: timeline(requests),
    ...(metrics ? { prometheus: metrics.prometheus.url } : {}),
    ...scenario.details?.(requests),
  }
}

/** `--prometheus`: a Prometheus in a scratch folder, its targets the namespace's annotated pods. */
async function runPrometheus(api: Api): Promise<{ prometheus: Prometheus; stop(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'zdd-prometheus-'))
  const prometheus = await startPrometheus({ dir })
  followPods(api, NAMESPACE, prometheus)
  return {
    prometheus,
    async stop() {
      await prometheus.stop()
      await rm(dir, { recursive: true, force: true })
    },
  }
}

/** Pod → version as the watch recorded it (observe.ts puts the version label on the pod's events). */
const versions = new WeakMap<EventLog, { seen: number; byPod: Map<string, string> }>()

/** A pod's version; the index is extended with the events added since the last call, not rebuilt. */
function versionOfPod(events: EventLog, pod: string): string | undefined {
  const index = versions.get(events) ?? { seen: 0, byPod: new Map<string, string>() }
  versions.set(events, index)
  for (; index.seen < events.events.length; index.seen++) {
    const e = events.events[index.seen]
    if (e?.pod && e.version && !index.byPod.has(e.pod)) index.byPod.set(e.pod, e.version)
  }
  return index.byPod.get(pod)
}

async function ensureReady(): Promise<void> {
  const s = await status()
  if (!s.running) throw new NotRunningError()
  const missing: string[] = []
  for (const socket of nodeSockets(layout())) {
    const images = await loadedImages(socket)
    missing.push(...CLUSTER_SERVICES.filter((service) => !images.some((i) => i.includes(`/zdd/${service}:`))))
  }
  if (missing.length > 0) {
    throw new Error(
      `a node has no image for ${[...new Set(missing)].join(', ')}: run \`zdd cluster images\` first`,
    )
  }
}

/** The control: SHUTDOWN_MODE=unprepared on the rolled Deployments (removed again for a prepared run). */
async function setShutdownMode(
  ctx: ClusterContext,
  all: string[],
  rolled: string[],
  unprepared: boolean,
): Promise<void> {
  for (const deployment of all) {
    const wanted = unprepared && rolled.includes(deployment) ? 'SHUTDOWN_MODE=unprepared' : 'SHUTDOWN_MODE-'
    await ctx.kubectl(['-n', ctx.namespace, 'set', 'env', `deployment/${deployment}`, wanted])
  }
}

async function waitAnswering(url: string): Promise<void> {
  const deadline = Date.now() + 60_000
  for (;;) {
    const response = await fetch(url, { signal: AbortSignal.timeout(2_000) }).catch(() => undefined)
    await response?.arrayBuffer().catch(() => undefined)
    if (response?.ok) return
    if (Date.now() > deadline) throw new Error(`${url} did not answer 200 within 60 s after the rollout`)
    await sleep(250)
  }
}

async function podsNow(): Promise<RolloutReport['finalPods']> {
  const { stdout } = await kubectl(['-n', NAMESPACE, 'get', 'pods', '-o', 'json'])
  const list = JSON.parse(stdout) as {
    items: Array<{
      metadata: { name: string; labels?: Record<string, string> }
      spec: { nodeName?: string }
      status: { conditions?: Array<{ type: string; status: string }> }
    }>
  }
  return list.items.map((pod) => ({
    name: pod.metadata.name,
    version: pod.metadata.labels?.['app.kubernetes.io/version'] ?? '',
    ready: pod.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false,
    ...(pod.spec.nodeName ? { node: pod.spec.nodeName } : {}),
  }))
}
