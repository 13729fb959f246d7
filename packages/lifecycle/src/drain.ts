import type { LifecycleConfig } from './config.ts'

/**
 * When the listener may close after SIGTERM. Nobody knows in advance how long routers (kube-proxy on every
 * node, ingress controllers, service meshes) keep sending new connections to a pod that left the endpoints:
 * it grows with cluster size and load. What the pod can see is whether they still come. So it keeps the
 * listener open for at least SHUTDOWN_DELAY_MS and then until no new connection or request has arrived for
 * SHUTDOWN_QUIET_MS, but not past the limit: SHUTDOWN_TIMEOUT_MS minus REQUEST_TIMEOUT_MS, the time the
 * requests accepted last may still need. SHUTDOWN_QUIET_MS=0 is the fixed mode: close right after the delay.
 */
export interface DrainPlan {
  /** performance.now() at the signal. */
  startedAt: number
  minMs: number
  quietMs: number
  limitMs: number
}

export type DrainReason = 'fixed' | 'quiet' | 'limit'

export type DrainDecision = { close: true; reason: DrainReason } | { close: false; waitMs: number }

export function drainPlan(config: LifecycleConfig, startedAt: number): DrainPlan {
  const minMs = config.SHUTDOWN_DELAY_MS
  const limitMs = Math.max(minMs, config.SHUTDOWN_TIMEOUT_MS - config.REQUEST_TIMEOUT_MS)
  return { startedAt, minMs, quietMs: config.SHUTDOWN_QUIET_MS, limitMs }
}

/** `lastArrival`: performance.now() of the latest new connection or request (before the signal counts as at it). */
export function decideDrain(plan: DrainPlan, now: number, lastArrival: number): DrainDecision {
  const elapsed = now - plan.startedAt
  if (elapsed < plan.minMs) return { close: false, waitMs: plan.minMs - elapsed }
  if (plan.quietMs === 0) return { close: true, reason: 'fixed' }
  const quietFor = now - Math.max(lastArrival, plan.startedAt)
  if (quietFor >= plan.quietMs) return { close: true, reason: 'quiet' }
  if (elapsed >= plan.limitMs) return { close: true, reason: 'limit' }
  return { close: false, waitMs: Math.min(plan.quietMs - quietFor, plan.limitMs - elapsed) }
}
