import { setTimeout as sleep } from 'node:timers/promises'
import type { FastifyBaseLogger, FastifyInstance } from 'fastify'
import type { LifecycleConfig } from './config.ts'
import { type DrainReason, decideDrain, drainPlan } from './drain.ts'
import { ShutdownDeadlineError } from './errors.ts'
import type { Lifecycle } from './state.ts'
import type { TrafficTracker } from './traffic.ts'

export interface ShutdownParts {
  app: FastifyInstance
  management: FastifyInstance
  lifecycle: Lifecycle
  tracker: TrafficTracker
  config: LifecycleConfig
  log: FastifyBaseLogger
}

/** fastify/fastify#7044: a socket busy at close() that goes idle later is not reaped; sweep it ourselves. */
const IDLE_REAP_INTERVAL_MS = 250

/**
 * Once the listener is closed: Node's idle sockets, and sockets with no request in flight that started none
 * since the previous sweep — a request head that never completes (a slow or stalled client) would otherwise
 * hold the process until SHUTDOWN_TIMEOUT_MS, since Node counts it as busy. Such a socket gets one sweep
 * interval to finish its head.
 */
function sweep(parts: ShutdownParts, marks: WeakMap<object, number>): void {
  parts.app.server.closeIdleConnections()
  for (const socket of parts.tracker.sockets) {
    const usage = parts.tracker.usage.get(socket)
    if (usage === undefined || usage.open > 0) continue
    if (marks.get(socket) === usage.started) socket.destroy()
    else marks.set(socket, usage.started)
  }
}

/**
 * While draining (the listener still open): a keep-alive socket that served requests and then sat idle for a
 * whole quiet period (counted from the start of its latest request) is not part of the traffic still arriving. Closing it now lets its client reconnect
 * through the Service while this pod can still accept (and answer with Connection: close) — instead of after
 * the listener closed, when a reconnect the Service still sends here would be refused.
 */
function closeIdleKeepAlive(parts: ShutdownParts, idleMs: number): void {
  const now = performance.now()
  for (const socket of parts.tracker.sockets) {
    const usage = parts.tracker.usage.get(socket)
    if (usage === undefined || usage.started === 0 || usage.open > 0) continue
    if (now - usage.lastStartedAt >= idleMs) socket.destroy()
  }
}

/** Keeps the listener open for SHUTDOWN_DELAY_MS, then until arrivals stop (drain.ts); says why it ended. */
async function drain(parts: ShutdownParts, startedAt: number): Promise<DrainReason> {
  const plan = drainPlan(parts.config, startedAt)
  const sweeper =
    plan.quietMs > 0
      ? setInterval(() => closeIdleKeepAlive(parts, plan.quietMs), IDLE_REAP_INTERVAL_MS)
      : undefined
  sweeper?.unref()
  try {
    for (;;) {
      const decision = decideDrain(plan, performance.now(), parts.tracker.lastArrival)
      if (decision.close) return decision.reason
      await sleep(decision.waitMs, undefined, { ref: false })
    }
  } finally {
    clearInterval(sweeper)
  }
}

/**
 * The shutdown sequence (docs/zero-downtime.md): drain (readiness fails, Connection: close on every response), keep serving for
 * at least SHUTDOWN_DELAY_MS and until new connections stop arriving (SHUTDOWN_QUIET_MS) while routers catch up, close the listener without answering 503, reap idle and stalled sockets,
 * wait for in-flight requests, run cleanup hooks in reverse order. Resolves to the exit code: 0, or 1 when
 * SHUTDOWN_TIMEOUT_MS (counted from the signal) runs out first — then it says what was still open.
 */
export async function gracefulShutdown(parts: ShutdownParts, reason: string): Promise<0 | 1> {
  const { lifecycle, config, log } = parts
  const startedAt = performance.now()
  const progress = { phase: 'draining' }
  lifecycle.setState('draining')
  log.info(
    { reason, delayMs: config.SHUTDOWN_DELAY_MS, quietMs: config.SHUTDOWN_QUIET_MS },
    'draining: /readyz fails, responses carry Connection: close',
  )

  let deadlineTimer: NodeJS.Timeout | undefined
  const deadline = new Promise<1>((resolve) => {
    deadlineTimer = setTimeout(() => {
      const err = new ShutdownDeadlineError(config.SHUTDOWN_TIMEOUT_MS, describeOpen(parts, progress.phase))
      log.error({ err, phase: progress.phase }, err.message)
      resolve(1)
    }, config.SHUTDOWN_TIMEOUT_MS)
    deadlineTimer.unref()
  })

  const sequence = (async (): Promise<0> => {
    const drained = await drain(parts, startedAt)
    progress.phase = 'closing'
    lifecycle.setState('closing')
    const now = performance.now()
    log.info(
      {
        drain: drained,
        drainedMs: Math.round(now - startedAt),
        sinceLastArrivalMs: Math.round(now - Math.max(parts.tracker.lastArrival, startedAt)),
        inFlight: parts.tracker.inFlight.size,
        sockets: parts.tracker.sockets.size,
      },
      'closing the listener',
    )
    const marks = new WeakMap<object, number>()
    const reaper = setInterval(() => sweep(parts, marks), IDLE_REAP_INTERVAL_MS)
    reaper.unref()
    try {
      await parts.app.close()
    } finally {
      clearInterval(reaper)
    }
    for (const hook of [...lifecycle.cleanupHooks].reverse()) {
      progress.phase = `cleanup hook "${hook.name}"`
      try {
        await hook.fn()
      } catch (err) {
        log.error({ err, hook: hook.name }, 'cleanup hook failed; continuing with the next one')
      }
    }
    progress.phase = 'closing the management server'
    await parts.management.close()
    lifecycle.setState('stopped')
    log.info({ durationMs: Math.round(performance.now() - startedAt) }, 'shutdown complete')
    return 0
  })()

  try {
    return await Promise.race([sequence, deadline])
  } finally {
    clearTimeout(deadlineTimer)
  }
}

/** The control: what most code in the wild does on SIGTERM — close at once, whatever routers still send. */
export async function unpreparedShutdown(parts: ShutdownParts, reason: string): Promise<0> {
  parts.log.warn({ reason }, 'SHUTDOWN_MODE=unprepared: closing at once (control only, this loses requests)')
  parts.lifecycle.setState('closing')
  await Promise.all([parts.app.close(), parts.management.close()])
  parts.lifecycle.setState('stopped')
  return 0
}

function describeOpen(parts: ShutdownParts, phase: string): string {
  const now = performance.now()
  const requests = [...parts.tracker.inFlight]
    .slice(0, 5)
    .map((r) => `${r.method} ${r.url} for ${Math.round(now - r.startedAt)} ms`)
  const more =
    parts.tracker.inFlight.size > requests.length
      ? ` (+${parts.tracker.inFlight.size - requests.length})`
      : ''
  return [
    `phase ${phase}`,
    `${parts.tracker.inFlight.size} in-flight request(s)${requests.length ? `: ${requests.join(', ')}${more}` : ''}`,
    `${parts.tracker.sockets.size} open connection(s)`,
  ].join('; ')
}
