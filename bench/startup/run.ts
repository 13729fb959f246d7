// Longer than the ~250 lines the style guide asks: one bench, its interface with the report (the result
// types) beside the measurements that fill them.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import type { LoadgenResult } from '../lib/loadgen.ts'
import { log } from '../lib/log.ts'
import { type Machine, machine } from '../lib/machine.ts'
import { freePort, getText, privateMiB, rssMiB, type Spawned, spawnNode, waitFor200 } from '../lib/process.ts'
import { runLoadProcess } from '../lib/run-load.ts'
import { SERVICE_ENTRIES, type ServiceName } from '../lib/services.ts'
import { median, round } from '../lib/stats.ts'
import { type ImportCosts, importCosts } from './imports.ts'

export interface StartupParams {
  /** Spawn → ready measurements per service (the median is reported). */
  spawns: number
  /** How long a ready service idles before its RSS is read. */
  idleMs: number
  /** The load under which RSS is sampled, and for how long. */
  loadRps: number
  loadMs: number
  /** Also measure spawn → ready with Node's on-disk compile cache (NODE_COMPILE_CACHE) primed. */
  compileCache: boolean
  /** Fresh processes per module import timing (0: not measured). */
  importRuns: number
  /** Also start each service unbundled (its tsc output, bench/startup/unbundled.mjs): what bundling saves. */
  unbundled: boolean
}

export interface ServiceStartup {
  service: ServiceName
  /** Spawn → first `/readyz` 200 (polled every 5 ms on a fresh connection), each run, in ms. */
  readyMs: number[]
  medianReadyMs: number
  /** The same with NODE_COMPILE_CACHE primed by one earlier start, when measured. */
  cachedReadyMs?: number[]
  medianCachedReadyMs?: number
  /** The same, started unbundled (tsc output): the baseline for the bundled dist/main.js, when measured. */
  unbundledReadyMs?: number[]
  medianUnbundledReadyMs?: number
  unbundledRssAtReadyMiB?: number
  /** RSS right when /readyz first answered 200, median over the runs. */
  rssAtReadyMiB: number
  rssIdleMiB: number
  /** Of the idle RSS, what this process alone holds (not shared with other processes, e.g. the node binary). */
  privateIdleMiB: number
  /** Highest RSS sampled (every 250 ms) while serving `loadRps`, and at the end of the load. */
  rssLoadMaxMiB: number
  rssLoadEndMiB: number
  /** V8 heap in use and reserved at the end of the load (prom-client's nodejs_heap_size_*_bytes). */
  heapUsedMiB?: number
  heapTotalMiB?: number
  load: LoadgenResult
  path: string
}

export interface StartupResults {
  suite: 'startup'
  machine: Machine
  params: StartupParams
  services: ServiceStartup[]
  /** A minimal Fastify app with a management port (bench/startup/bare-fastify.ts), same measurement. */
  bareFastify: { readyMs: number[]; medianReadyMs: number; rssAtReadyMiB: number }
  /** What the start-up time is made of (when measured). */
  imports?: ImportCosts
  durationMs: number
}

const SERVICES: ServiceName[] = ['catalog', 'gateway', 'recommendations']

interface Started {
  proc: Spawned
  port: number
  managementPort: number
  readyMs: number
  rssAtReady: number
}

const BARE_FASTIFY = join(import.meta.dirname, 'bare-fastify.mjs')
const UNBUNDLED = join(import.meta.dirname, 'unbundled.mjs')

type Entry = ServiceName | 'bare' | { unbundled: ServiceName }

function entryArgs(entry: Entry): string[] {
  if (entry === 'bare') return [BARE_FASTIFY]
  if (typeof entry === 'object') return [UNBUNDLED, entry.unbundled]
  return [SERVICE_ENTRIES[entry]]
}

async function start(entry: Entry, extraEnv: Record<string, string> = {}): Promise<Started> {
  const [port, managementPort] = [await freePort(), await freePort()]
  const since = performance.now()
  const proc = spawnNode(entryArgs(entry), {
    LOG_LEVEL: 'warn',
    PORT: String(port),
    MANAGEMENT_PORT: String(managementPort),
    ...extraEnv,
  })
  try {
    const readyMs = await waitFor200(proc, managementPort, '/readyz', since)
    return { proc, port, managementPort, readyMs, rssAtReady: rssMiB(proc.pid) }
  } catch (err) {
    await proc.stop()
    throw err
  }
}

/** The gateway needs an upstream to be loaded: one catalog behind a plain route. */
async function measureLoad(
  service: ServiceName,
  params: StartupParams,
  idle: Started,
): Promise<
  Pick<ServiceStartup, 'rssLoadMaxMiB' | 'rssLoadEndMiB' | 'heapUsedMiB' | 'heapTotalMiB' | 'load' | 'path'>
> {
  const path =
    service === 'gateway' ? '/api/catalog/products' : service === 'catalog' ? '/products' : '/recommendations'
  const samples: number[] = []
  let sampling = true
  const sampler = (async () => {
    while (sampling) {
      samples.push(rssMiB(idle.proc.pid))
      await sleep(250)
    }
  })()
  const load = await runLoadProcess({
    mode: 'fixed',
    rps: params.loadRps,
    origin: `http://127.0.0.1:${idle.port}`,
    path,
    connections: 32,
    warmupMs: 1000,
    durationMs: params.loadMs,
    users: 1000,
  })
  const end = rssMiB(idle.proc.pid)
  sampling = false
  await sampler
  const metrics = await getText(idle.managementPort, '/metrics').catch(() => '')
  const gauge = (name: string) => {
    const match = new RegExp(`^${name}\\{[^}]*\\}\\s+([\\d.e+]+)$`, 'm').exec(metrics)
    return match ? round(Number(match[1]) / 2 ** 20, 1) : undefined
  }
  const heapUsedMiB = gauge('nodejs_heap_size_used_bytes')
  const heapTotalMiB = gauge('nodejs_heap_size_total_bytes')
  return {
    rssLoadMaxMiB: round(Math.max(...samples, end), 1),
    rssLoadEndMiB: round(end, 1),
    ...(heapUsedMiB === undefined ? {} : { heapUsedMiB }),
    ...(heapTotalMiB === undefined ? {} : { heapTotalMiB }),
    load,
    path,
  }
}

/** Spawn → ready `count` times; each process is stopped before the next starts. */
async function readiness(service: Entry, count: number, env: Record<string, string>) {
  const readyMs: number[] = []
  const rssAtReady: number[] = []
  for (let i = 0; i < count; i += 1) {
    const run = await start(service, env)
    readyMs.push(round(run.readyMs, 1))
    rssAtReady.push(run.rssAtReady)
    await run.proc.stop()
  }
  return { readyMs, rssAtReady }
}

export async function runStartupBench(params: StartupParams): Promise<StartupResults> {
  const startedAt = performance.now()
  const info = machine()
  const results: ServiceStartup[] = []
  const bare = await readiness('bare', params.spawns, {})
  const bareFastify = {
    readyMs: bare.readyMs,
    medianReadyMs: round(median(bare.readyMs), 1),
    rssAtReadyMiB: round(median(bare.rssAtReady), 1),
  }
  log(`startup bare Fastify: ready in ${bareFastify.medianReadyMs} ms (median of ${params.spawns})`)
  for (const service of SERVICES) {
    const upstream = service === 'gateway' ? await start('catalog') : undefined
    const env: Record<string, string> = upstream
      ? {
          GATEWAY_ROUTES: JSON.stringify({
            upstreams: { catalog: `http://127.0.0.1:${upstream.port}` },
            routes: [{ name: 'catalog', prefix: '/api/catalog', upstream: 'catalog' }],
          }),
        }
      : {}
    try {
      const { readyMs, rssAtReady } = await readiness(service, params.spawns, env)
      const unbundled = params.unbundled
        ? await readiness({ unbundled: service }, params.spawns, env)
        : undefined
      let cached: number[] | undefined
      if (params.compileCache) {
        const cacheDir = mkdtempSync(join(tmpdir(), 'zdd-bench-compile-cache-'))
        try {
          const cacheEnv = { ...env, NODE_COMPILE_CACHE: cacheDir }
          await readiness(service, 1, cacheEnv) // primes the cache
          cached = (await readiness(service, params.spawns, cacheEnv)).readyMs
        } finally {
          rmSync(cacheDir, { recursive: true, force: true })
        }
      }
      const idle = await start(service, env)
      try {
        await sleep(params.idleMs)
        const rssIdleMiB = round(rssMiB(idle.proc.pid), 1)
        const privateIdleMiB = round(privateMiB(idle.proc.pid), 1)
        const loaded = await measureLoad(service, params, idle)
        const entry: ServiceStartup = {
          service,
          readyMs,
          medianReadyMs: round(median(readyMs), 1),
          ...(cached ? { cachedReadyMs: cached, medianCachedReadyMs: round(median(cached), 1) } : {}),
          ...(unbundled
            ? {
                unbundledReadyMs: unbundled.readyMs,
                medianUnbundledReadyMs: round(median(unbundled.readyMs), 1),
                unbundledRssAtReadyMiB: round(median(unbundled.rssAtReady), 1),
              }
            : {}),
          rssAtReadyMiB: round(median(rssAtReady), 1),
          rssIdleMiB,
          privateIdleMiB,
          ...loaded,
        }
        results.push(entry)
        log(
          `startup ${service}: ready in ${entry.medianReadyMs} ms (median of ${params.spawns}` +
            `${entry.medianUnbundledReadyMs === undefined ? '' : `; unbundled ${entry.medianUnbundledReadyMs} ms`}), ` +
            `RSS idle ${rssIdleMiB} MiB (${privateIdleMiB} MiB private), ` +
            `under ${params.loadRps} req/s max ${entry.rssLoadMaxMiB} MiB`,
        )
      } finally {
        await idle.proc.stop()
      }
    } finally {
      await upstream?.proc.stop()
    }
  }
  const imports = params.importRuns > 0 ? await importCosts(params.importRuns, SERVICES) : undefined
  return {
    suite: 'startup',
    machine: info,
    params,
    services: results,
    bareFastify,
    ...(imports ? { imports } : {}),
    durationMs: Math.round(performance.now() - startedAt),
  }
}
