// One flag-throughput measurement in a fresh process (`node bench/flags/measure.ts <mode> <op> <ms>`), so
// the two sides never share JIT state. Prints {decisions, ms, cpuMs} as JSON: the rate is taken over the
// process's CPU time, which other work on a shared machine disturbs much less than wall-clock time.
// - raw: unleash-client's own client (`new Unleash`: bootstrap in memory, no server, SDK usage metrics
//   off), as an application would use it, the context built inline from the request's user header.
// - wrapper: @zdd/flags as services use it: FlagClient on the same definitions, its metrics
//   (flag_evaluations_total in a prom-client registry), and the request plugin's own onRequest hook building
//   the context (user from header / baggage / cookie, session cookie) for every decision.
// - wrapper-no-metrics: the same without instrumentFlags, to tell the metrics' share of the cost.
import { createRequire } from 'node:module'
import { DEMO_FLAGS_FILE, FlagClient, flagsPlugin, instrumentFlags, readFlagsFile } from '@zdd/flags'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { InMemStorageProvider, Unleash } from 'unleash-client'

// The prom-client @zdd/flags itself depends on (services get their registry from @zdd/lifecycle).
type Registry = Parameters<typeof instrumentFlags>[1]
const { Registry } = createRequire(import.meta.resolve('@zdd/flags'))('prom-client') as {
  Registry: new () => Registry
}

export type Mode = 'raw' | 'wrapper' | 'wrapper-no-metrics'
export type Op = 'isEnabled' | 'variant'

const APP = { appName: 'bench', environment: 'development' }
// One request object per user, made once: Fastify's request objects exist before any hook runs, so neither
// side is charged for allocating them (the wrapper's hook sets `flags` on them, as the plugin does).
const USERS = Array.from({ length: 1000 }, (_, i) => ({
  headers: { 'x-zdd-user': `user-${i + 1}`, host: 'catalog' } as Record<string, string>,
  ip: '10.0.0.1',
  flags: null as unknown,
}))
const SWITCH = 'catalog-discount'
const EXPERIMENT = 'recommendations-ab'

type Decide = (request: (typeof USERS)[number]) => unknown

async function rawDecider(op: Op): Promise<Decide> {
  const { features } = readFlagsFile(DEMO_FLAGS_FILE)
  const unleash = new Unleash({
    ...APP,
    url: 'http://127.0.0.1:9/api/',
    refreshInterval: 0,
    disableMetrics: true,
    skipInstanceCountWarning: true,
    storageProvider: new InMemStorageProvider(),
    bootstrap: { data: features as never },
  })
  await new Promise((resolve) => unleash.once('ready', resolve))
  const context = (request: (typeof USERS)[number]) => ({
    ...APP,
    userId: request.headers['x-zdd-user'],
    remoteAddress: request.ip,
  })
  return op === 'isEnabled'
    ? (request) => unleash.isEnabled(SWITCH, context(request))
    : (request) => unleash.getVariant(EXPERIMENT, context(request))
}

async function wrapperDecider(op: Op, metrics: boolean): Promise<Decide> {
  const silent = { info() {}, warn() {}, error() {} }
  const client = new FlagClient({ ...APP, file: DEMO_FLAGS_FILE, refreshMs: 15_000, log: silent })
  if (metrics) instrumentFlags(client, new Registry())
  await client.start()
  // The plugin's own onRequest hook, captured from a minimal stand-in for the Fastify instance.
  let hook: ((request: FastifyRequest, reply: FastifyReply, next: () => void) => void) | undefined
  const fakeApp = {
    decorateRequest() {},
    addHook(_name: string, fn: typeof hook) {
      hook = fn
    },
  } as unknown as FastifyInstance
  await new Promise<void>((resolve) => {
    ;(flagsPlugin as unknown as (app: FastifyInstance, opts: object, done: () => void) => void)(
      fakeApp,
      { client, ...APP },
      resolve,
    )
  })
  const onRequest = hook
  if (!onRequest) throw new Error('the flags plugin registered no onRequest hook')
  const reply = { header() {} } as unknown as FastifyReply
  const next = () => {}
  const flagsOf = (user: (typeof USERS)[number]) => {
    const req = user as unknown as FastifyRequest
    onRequest(req, reply, next)
    return req.flags
  }
  return op === 'isEnabled'
    ? (request) => flagsOf(request).isEnabled(SWITCH)
    : (request) => flagsOf(request).variant(EXPERIMENT)
}

export async function measure(
  mode: Mode,
  op: Op,
  durationMs: number,
): Promise<{ decisions: number; ms: number; cpuMs: number }> {
  const decide = mode === 'raw' ? await rawDecider(op) : await wrapperDecider(op, mode === 'wrapper')
  let sink = 0
  const loop = (until: number) => {
    let decisions = 0
    let i = 0
    while (performance.now() < until) {
      for (let k = 0; k < 1000; k += 1) {
        if (decide(USERS[i] as (typeof USERS)[number])) sink += 1
        i = i === USERS.length - 1 ? 0 : i + 1
      }
      decisions += 1000
    }
    return decisions
  }
  loop(performance.now() + Math.min(1000, durationMs / 2)) // warm-up: let the JIT settle
  const cpuBefore = process.cpuUsage()
  const start = performance.now()
  const decisions = loop(start + durationMs)
  const ms = performance.now() - start
  const cpu = process.cpuUsage(cpuBefore)
  if (sink < 0) console.log(sink)
  return { decisions, ms, cpuMs: (cpu.user + cpu.system) / 1000 }
}

if (import.meta.main) {
  const [mode = 'raw', op = 'isEnabled', ms = '2000'] = process.argv.slice(2)
  const result = await measure(mode as Mode, op as Op, Number(ms))
  process.stdout.write(`${JSON.stringify(result)}\n`)
  process.exit(0)
}
