// The benchmarks' load generator, run as its own process (`node bench/lib/loadgen.ts '<json spec>'`) so it
// never shares an event loop with what it measures. undici Clients, one keep-alive connection each,
// pipelining 1. Two modes:
// - `max`: closed loop, every connection sends its next request as soon as the previous answer ended; the
//   throughput is what the target sustains (with this generator on the same 2 cores).
// - `fixed`: open loop at a fixed rate, requests scheduled whatever the target does, latency counted from
//   the scheduled send time (no coordinated omission).
// Prints one JSON line (LoadgenResult) on stdout.
import { Client } from 'undici'
import { percentile, round } from './stats.ts'

export interface LoadgenSpec {
  mode: 'max' | 'fixed'
  origin: string
  path: string
  connections: number
  warmupMs: number
  durationMs: number
  /** Fixed mode only. */
  rps?: number
  timeoutMs?: number
  /** Sent as `x-zdd-user: user-<n>`, n cycling over this many users (flag evaluation needs users). */
  users?: number
}

export interface LoadgenResult {
  mode: LoadgenSpec['mode']
  /** Requests sent (fixed: scheduled) within the measured window. */
  sent: number
  ok: number
  /** Non-2xx answers by status, and transport failures by error code. */
  errors: Record<string, number>
  /** Completed requests per second in the measured window. */
  rps: number
  /** Every request completed (warm-up included), for costs per request measured over the whole run. */
  completed: number
  latencyMs: { p50: number; p90: number; p99: number; max: number; mean: number }
  /** The generator's own CPU use over the whole run, in % of one core. */
  cpuPercent: number
}

const TICK_MS = 1

export async function runLoad(spec: LoadgenSpec): Promise<LoadgenResult> {
  const timeoutMs = spec.timeoutMs ?? 10_000
  const clients = Array.from(
    { length: spec.connections },
    () =>
      new Client(spec.origin, {
        pipelining: 1,
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
        keepAliveTimeout: 60_000,
      }),
  )
  const latencies: number[] = []
  const errors: Record<string, number> = {}
  let sent = 0
  let ok = 0
  let completed = 0
  let user = 0
  const users = spec.users ?? 0
  const headers = () => (users > 0 ? { 'x-zdd-user': `user-${(user++ % users) + 1}` } : undefined)

  const cpuBefore = process.cpuUsage()
  const t0 = performance.now()
  const measureFrom = t0 + spec.warmupMs
  const end = measureFrom + spec.durationMs

  const once = async (client: Client, startedAt: number): Promise<void> => {
    const measured = startedAt >= measureFrom && startedAt < end
    if (measured) sent += 1
    try {
      const response = await client.request({ method: 'GET', path: spec.path, headers: headers() })
      await response.body.dump()
      completed += 1
      if (!measured) return
      if (response.statusCode >= 200 && response.statusCode < 300) {
        ok += 1
        latencies.push(performance.now() - startedAt)
      } else {
        const key = `http_${response.statusCode}`
        errors[key] = (errors[key] ?? 0) + 1
      }
    } catch (err) {
      if (!measured) return
      const code = (err as { code?: string }).code ?? (err as Error).name
      errors[code] = (errors[code] ?? 0) + 1
    }
  }

  if (spec.mode === 'max') {
    await Promise.all(
      clients.map(async (client) => {
        while (performance.now() < end) await once(client, performance.now())
      }),
    )
  } else {
    const rps = spec.rps ?? 0
    if (rps <= 0) throw new Error('fixed mode needs rps > 0')
    const inFlight = new Set<Promise<void>>()
    let issued = 0
    let next = 0
    await new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        const now = performance.now()
        const due = Math.floor(((Math.min(now, end) - t0) * rps) / 1000)
        while (issued < due) {
          const scheduledAt = t0 + (issued * 1000) / rps
          issued += 1
          const client = clients[next] as Client
          next = (next + 1) % clients.length
          const pending = once(client, scheduledAt)
          inFlight.add(pending)
          void pending.finally(() => inFlight.delete(pending))
        }
        if (now >= end) {
          clearInterval(timer)
          resolve()
        }
      }, TICK_MS)
    })
    await Promise.all(inFlight)
  }
  const wallMs = performance.now() - t0
  const cpu = process.cpuUsage(cpuBefore)
  await Promise.all(clients.map((client) => client.close()))

  const mean = latencies.length ? latencies.reduce((a, b) => a + b, 0) / latencies.length : 0
  return {
    mode: spec.mode,
    sent,
    ok,
    errors,
    rps: round((ok / spec.durationMs) * 1000, 1),
    completed,
    latencyMs: {
      p50: round(percentile(latencies, 50), 3),
      p90: round(percentile(latencies, 90), 3),
      p99: round(percentile(latencies, 99), 3),
      max: round(
        latencies.reduce((a, b) => Math.max(a, b), 0),
        3,
      ),
      mean: round(mean, 3),
    },
    cpuPercent: round(((cpu.user + cpu.system) / 1000 / wallMs) * 100, 1),
  }
}

if (import.meta.main) {
  const spec = JSON.parse(process.argv[2] ?? '{}') as LoadgenSpec
  const result = await runLoad(spec)
  process.stdout.write(`${JSON.stringify(result)}\n`)
}
