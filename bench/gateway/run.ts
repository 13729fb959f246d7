// Longer than the ~250 lines the style guide asks: one bench, the stack it starts (catalogs, the gateway,
// the bare proxy, HAProxy), the profiles it takes and the result types the report reads, kept together.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { LOCAL_DEMO_ENV } from '@zdd/routes'
import { type ProfileShare, summarizeProfiles } from '../lib/cpu-profile.ts'
import type { LoadgenResult } from '../lib/loadgen.ts'
import { log } from '../lib/log.ts'
import { type Machine, machine } from '../lib/machine.ts'
import { cpuTimeMs, freePort, getText, type Spawned, spawnNode, waitFor200 } from '../lib/process.ts'
import { runLoadProcess } from '../lib/run-load.ts'
import { SERVICE_ENTRIES } from '../lib/services.ts'
import { ensureHaproxy, startHaproxy } from './haproxy.ts'

export interface GatewayParams {
  warmupMs: number
  durationMs: number
  rounds: number
  connections: number
  /** Distinct users the generator cycles through (x-zdd-user), so flag evaluation sees many. */
  users: number
  /** The fixed-rate runs go at this share of the gateway's (plain route) max throughput. */
  fixedShare: number
  /** Profile the gateway (V8 --cpu-prof) under one more max-throughput run on the plain route. */
  profile: boolean
}

export const TARGETS = [
  { name: 'direct', label: 'direct to catalog', path: '/products' },
  { name: 'gateway-plain', label: 'gateway, plain route', path: '/plain/products' },
  { name: 'gateway-ab', label: 'gateway, A/B flag evaluation', path: '/ab/products' },
  { name: 'gateway-shadow', label: 'gateway, shadow on', path: '/shadow/products' },
  { name: 'bare-proxy', label: 'bare @fastify/http-proxy', path: '/plain/products' },
  { name: 'haproxy', label: 'HAProxy', path: '/products' },
] as const
export type TargetName = (typeof TARGETS)[number]['name']

export interface CpuProfileSummary {
  rps: number
  byOwner: ProfileShare[]
  byFunction: ProfileShare[]
}

export interface GatewayResults {
  suite: 'gateway'
  machine: Machine
  params: GatewayParams
  loadgen: string
  haproxy: { version: string } | { missing: string }
  fixedRps: number
  /** Per target, one result per round. */
  max: Partial<Record<TargetName, LoadgenResult[]>>
  fixed: Partial<Record<TargetName, LoadgenResult[]>>
  /**
   * CPU time per request (µs) of the process answering the generator (the catalog when direct, else the
   * proxy) and of the upstream catalog, over each max-throughput run: less sensitive to other work on the
   * machine than throughput, and it says where the cost is.
   */
  cpuPerRequestUs: Partial<Record<TargetName, Array<{ front: number; upstream: number }>>>
  /** The gateway's shadow counters after the run (shadow_requests_total, shadow_dropped_total). */
  shadow: Record<string, number>
  /** Where the gateway's CPU went under max load on the plain route (self time, idle left out). */
  profile?: CpuProfileSummary
  /** The same for the bare proxy, to compare where each spends its time. */
  bareProfile?: CpuProfileSummary
  /** 'module': bundled code charged to the module each line came from (absent in older results: to the bundle). */
  profileAttribution?: 'module'
  /** The direct run once more at the end of each fixed-rate round: how much p99 moves between two identical runs. */
  fixedDirectRepeat?: LoadgenResult[]
  /**
   * How late the event loop of the process answering the generator ran during each fixed-rate run (the
   * catalog when direct, the gateway on its routes; the bare proxy and HAProxy expose none): where a
   * request's p99 goes when it waits for that process. Absent in older results.
   */
  fixedLoopDelay?: Partial<Record<TargetName, LoopDelay[]>>
  durationMs: number
}

/** Event-loop delay over one run, in ms beyond the sampling interval. */
export interface LoopDelay {
  p50Ms: number
  p99Ms: number
  maxMs: number
}

/** prom-client samples the loop every 10 ms (its default `eventLoopMonitoringPrecision`, which the services keep). */
const LOOP_SAMPLE_MS = 10

const LOADGEN_DESCRIPTION =
  'bench/lib/loadgen.ts in its own Node process: undici Clients, one keep-alive connection each, pipelining 1; ' +
  '"max" is closed-loop (each connection sends as soon as the previous answer ended), "fixed" is open-loop ' +
  '(latency from the scheduled send time)'

const BARE_PROXY = join(import.meta.dirname, 'bare-proxy.ts')

function routeTable(catalogA: number, catalogB: number): string {
  return JSON.stringify({
    upstreams: { catalog: `http://127.0.0.1:${catalogA}`, 'catalog-b': `http://127.0.0.1:${catalogB}` },
    routes: [
      { name: 'plain', prefix: '/plain', upstream: 'catalog' },
      {
        name: 'ab',
        prefix: '/ab',
        upstream: 'catalog',
        experiment: { flag: 'recommendations-ab', variants: { a: 'catalog', b: 'catalog-b' } },
      },
      {
        name: 'shadow',
        prefix: '/shadow',
        upstream: 'catalog',
        shadow: { upstream: 'catalog-b', flag: 'recommendations-shadow' },
      },
    ],
  })
}

interface Stack {
  ports: Record<
    'catalogA' | 'catalogAManagement' | 'catalogB' | 'gateway' | 'gatewayManagement' | 'bare' | 'haproxy',
    number
  >
  gatewayEnv: Record<string, string>
  pids: Partial<Record<'catalogA' | 'gateway' | 'bare' | 'haproxy', number>>

  haproxy: GatewayResults['haproxy']
}

/** Starts the catalogs, the gateway, the bare proxy and HAProxy; `processes` collects them for teardown. */
async function startStack(dir: string, processes: Spawned[]): Promise<Stack> {
  const port = async () => freePort()
  const ports = {
    catalogA: await port(),
    catalogAManagement: await port(),
    catalogB: await port(),
    gateway: await port(),
    gatewayManagement: await port(),
    bare: await port(),
    haproxy: await port(),
  }
  const common = { LOG_LEVEL: 'warn', APP_VERSION: 'bench', HOST: '127.0.0.1' }
  const pids: Stack['pids'] = {}
  for (const [name, trafficPort] of [
    ['catalog-a', ports.catalogA],
    ['catalog-b', ports.catalogB],
  ] as const) {
    const managementPort = name === 'catalog-a' ? ports.catalogAManagement : await port()
    const proc = spawnNode([SERVICE_ENTRIES.catalog], {
      ...common,
      POD_NAME: name,
      PORT: String(trafficPort),
      MANAGEMENT_PORT: String(managementPort),
    })
    processes.push(proc)
    if (name === 'catalog-a') pids.catalogA = proc.pid
    await waitFor200(proc, managementPort, '/readyz', performance.now())
  }
  const gatewayEnv = {
    ...common,
    // The load generator names its 1,000 users with x-zdd-user, as a trusted authenticating proxy.
    ...LOCAL_DEMO_ENV,
    POD_NAME: 'gateway',
    GATEWAY_ROUTES: routeTable(ports.catalogA, ports.catalogB),
  }
  const gateway = spawnNode([SERVICE_ENTRIES.gateway], {
    ...gatewayEnv,
    PORT: String(ports.gateway),
    MANAGEMENT_PORT: String(ports.gatewayManagement),
  })
  processes.push(gateway)
  pids.gateway = gateway.pid
  await waitFor200(gateway, ports.gatewayManagement, '/readyz', performance.now())
  const bare = spawnNode([BARE_PROXY], {
    PORT: String(ports.bare),
    UPSTREAM: `http://127.0.0.1:${ports.catalogA}`,
  })
  processes.push(bare)
  pids.bare = bare.pid
  await waitFor200(bare, ports.bare, '/plain/products', performance.now())
  const binary = ensureHaproxy()
  if ('path' in binary) {
    const haproxy = startHaproxy(binary.path, dir, ports.haproxy, ports.catalogA)
    processes.push(haproxy)
    pids.haproxy = haproxy.pid
    await waitFor200(haproxy, ports.haproxy, '/products', performance.now())
    return { ports, gatewayEnv, pids, haproxy: { version: binary.version } }
  }
  log(`HAProxy skipped: ${binary.missing}`)
  return { ports, gatewayEnv, pids, haproxy: binary }
}

function frontPid(stack: Stack, target: TargetName): number | undefined {
  if (target === 'direct') return stack.pids.catalogA
  if (target === 'bare-proxy') return stack.pids.bare
  if (target === 'haproxy') return stack.pids.haproxy
  return stack.pids.gateway
}

function portOf(stack: Stack, target: TargetName): number {
  if (target === 'direct') return stack.ports.catalogA
  if (target === 'bare-proxy') return stack.ports.bare
  if (target === 'haproxy') return stack.ports.haproxy
  return stack.ports.gateway
}

/** The management port of the process answering the generator for `target`, where it has one. */
function managementPortOf(stack: Stack, target: TargetName): number | undefined {
  if (target === 'direct') return stack.ports.catalogAManagement
  if (target.startsWith('gateway')) return stack.ports.gatewayManagement
  return undefined
}

/**
 * The event-loop delay prom-client's default metrics report (nodejs_eventloop_lag_{p50,p99,max}_seconds),
 * less the sampling interval. Each scrape resets prom-client's histogram, so a scrape right before a run
 * starts the window and one right after reads it.
 */
async function loopDelay(managementPort: number): Promise<LoopDelay> {
  const text = await getText(managementPort, '/metrics')
  const beyondSample = (name: string) => {
    const match = new RegExp(`^nodejs_eventloop_lag_${name}_seconds(?:\\{[^}]*\\})? (\\S+)$`, 'm').exec(text)
    if (!match) throw new Error(`no nodejs_eventloop_lag_${name}_seconds on :${managementPort}/metrics`)
    return Math.max(0, Number(match[1]) * 1000 - LOOP_SAMPLE_MS)
  }
  return { p50Ms: beyondSample('p50'), p99Ms: beyondSample('p99'), maxMs: beyondSample('max') }
}

/** Counters `shadow_*` from the gateway's /metrics, summed per name and result/reason label. */
async function shadowCounters(stack: Stack): Promise<Record<string, number>> {
  const text = await getText(stack.ports.gatewayManagement, '/metrics')
  const counters: Record<string, number> = {}
  for (const line of text.split('\n')) {
    const match = /^(shadow_\w+)\{([^}]*)\}\s+([\d.e+]+)$/.exec(line)
    if (!match) continue
    const [, name, labels = '', value] = match
    const kind = /(?:result|reason)="([^"]+)"/.exec(labels)?.[1] ?? 'total'
    const key = `${name}{${kind}}`
    counters[key] = (counters[key] ?? 0) + Number(value)
  }
  return counters
}

/**
 * One more max-throughput run on the plain route against a fresh gateway (or bare proxy) started with V8's
 * CPU profiler.
 */
async function profileProxy(
  which: 'gateway' | 'bare',
  stack: Stack,
  params: GatewayParams,
  dir: string,
): Promise<CpuProfileSummary> {
  const profileDir = join(dir, `profile-${which}`)
  mkdirSync(profileDir)
  const [port, managementPort] = [await freePort(), await freePort()]
  const spawnedAt = performance.now()
  const profiler = ['--cpu-prof', `--cpu-prof-dir=${profileDir}`]
  const gateway =
    which === 'gateway'
      ? spawnNode([...profiler, SERVICE_ENTRIES.gateway], {
          ...stack.gatewayEnv,
          PORT: String(port),
          MANAGEMENT_PORT: String(managementPort),
        })
      : spawnNode([...profiler, BARE_PROXY], {
          PORT: String(port),
          UPSTREAM: `http://127.0.0.1:${stack.ports.catalogA}`,
        })
  try {
    if (which === 'gateway') await waitFor200(gateway, managementPort, '/readyz', performance.now())
    else await waitFor200(gateway, port, '/plain/products', performance.now())
    const loadStartedMs = performance.now() - spawnedAt
    const result = await runLoadProcess({
      mode: 'max',
      origin: `http://127.0.0.1:${port}`,
      path: '/plain/products',
      connections: params.connections,
      warmupMs: params.warmupMs,
      durationMs: params.durationMs,
      users: params.users,
    })
    await gateway.stop() // the profile is written as the process exits
    // Start-up and the generator's warm-up are left out: what remains is the gateway under steady load.
    return { rps: result.rps, ...summarizeProfiles(profileDir, loadStartedMs + params.warmupMs) }
  } finally {
    await gateway.stop()
  }
}

function push<T>(into: Partial<Record<TargetName, T[]>>, name: TargetName, value: T): void {
  const list = into[name] ?? []
  list.push(value)
  into[name] = list
}

export async function runGatewayBench(params: GatewayParams): Promise<GatewayResults> {
  const startedAt = performance.now()
  const info = machine()
  const dir = mkdtempSync(join(tmpdir(), 'zdd-bench-gateway-'))
  const processes: Spawned[] = []
  const max: GatewayResults['max'] = {}
  const fixed: GatewayResults['fixed'] = {}
  const cpuPerRequestUs: GatewayResults['cpuPerRequestUs'] = {}
  const fixedDirectRepeat: LoadgenResult[] = []
  const fixedLoopDelay: GatewayResults['fixedLoopDelay'] = {}
  let fixedRps = 0
  try {
    const stack = await startStack(dir, processes)
    const targets = TARGETS.filter((t) => t.name !== 'haproxy' || 'version' in stack.haproxy)
    const load = (target: (typeof TARGETS)[number], mode: 'max' | 'fixed') =>
      runLoadProcess({
        mode,
        origin: `http://127.0.0.1:${portOf(stack, target.name)}`,
        path: target.path,
        connections: params.connections,
        warmupMs: params.warmupMs,
        durationMs: params.durationMs,
        users: params.users,
        ...(mode === 'fixed' ? { rps: fixedRps } : {}),
      })
    for (let round = 1; round <= params.rounds; round += 1) {
      for (const target of targets) {
        const pids = [frontPid(stack, target.name), stack.pids.catalogA]
        const before = pids.map((pid) => (pid ? cpuTimeMs(pid) : 0))
        const result = await load(target, 'max')
        const used = pids.map((pid, i) => (pid ? cpuTimeMs(pid) - (before[i] ?? 0) : 0))
        const perRequest = (cpuMs: number) => Math.round((cpuMs * 1000) / Math.max(1, result.completed))
        push(cpuPerRequestUs, target.name, {
          front: perRequest(used[0] ?? 0),
          upstream: target.name === 'direct' ? 0 : perRequest(used[1] ?? 0),
        })
        push(max, target.name, result)
        log(`gateway round ${round}: ${target.label} max ${result.rps} req/s, p99 ${result.latencyMs.p99} ms`)
      }
    }
    const gatewayMax = (max['gateway-plain'] ?? []).map((r) => r.rps).sort((a, b) => a - b)
    fixedRps = Math.max(
      100,
      Math.round(((gatewayMax[Math.floor(gatewayMax.length / 2)] ?? 0) * params.fixedShare) / 50) * 50,
    )
    for (let round = 1; round <= params.rounds; round += 1) {
      for (const target of targets) {
        const management = managementPortOf(stack, target.name)
        if (management) await loopDelay(management) // starts the window
        const result = await load(target, 'fixed')
        if (management) push(fixedLoopDelay, target.name, await loopDelay(management))
        push(fixed, target.name, result)
        log(
          `gateway round ${round}: ${target.label} at ${fixedRps} req/s: p50 ${result.latencyMs.p50} ms, p99 ${result.latencyMs.p99} ms`,
        )
      }
      const again = await load(TARGETS[0], 'fixed')
      fixedDirectRepeat.push(again)
      log(
        `gateway round ${round}: direct again at ${fixedRps} req/s: p99 ${again.latencyMs.p99} ms (the noise)`,
      )
    }
    const shadow = await shadowCounters(stack)
    const profile = params.profile ? await profileProxy('gateway', stack, params, dir) : undefined
    const bareProfile = params.profile ? await profileProxy('bare', stack, params, dir) : undefined
    return {
      suite: 'gateway',
      machine: info,
      params,
      loadgen: LOADGEN_DESCRIPTION,
      haproxy: stack.haproxy,
      fixedRps,
      max,
      fixed,
      cpuPerRequestUs,
      shadow,
      ...(profile ? { profile } : {}),
      ...(bareProfile ? { bareProfile } : {}),
      profileAttribution: 'module',
      fixedDirectRepeat,
      fixedLoopDelay,
      durationMs: Math.round(performance.now() - startedAt),
    }
  } finally {
    await Promise.all(processes.map((proc) => proc.stop()))
    rmSync(dir, { recursive: true, force: true })
  }
}
