import { EventEmitter } from 'node:events'
import { DuplicateHookError } from './errors.ts'

export const LIFECYCLE_STATES = ['starting', 'ready', 'draining', 'closing', 'stopped'] as const
export type LifecycleState = (typeof LIFECYCLE_STATES)[number]

export type ReadinessCheck = () => boolean
export type StartupCheck = () => Promise<void> | void
export type CleanupHook = () => Promise<void> | void

interface Named<T> {
  name: string
  fn: T
}

/**
 * The service's lifecycle state and the hooks registered against it. Readiness = started, not draining,
 * not forced out of rotation, and every readiness check passing. Liveness depends on nothing but the
 * process itself (and the demo control that fails it on purpose).
 */
export class Lifecycle extends EventEmitter<{ state: [LifecycleState] }> {
  #state: LifecycleState = 'starting'
  #forcedNotReady = false
  #forcedNotLive = false
  readonly #startupChecks: Named<StartupCheck>[] = []
  readonly #readinessChecks: Named<ReadinessCheck>[] = []
  readonly #cleanupHooks: Named<CleanupHook>[] = []

  get state(): LifecycleState {
    return this.#state
  }

  setState(next: LifecycleState): void {
    if (next === this.#state) return
    this.#state = next
    this.emit('state', next)
  }

  /** True once shutdown has begun: every response then carries `Connection: close`. */
  get draining(): boolean {
    return this.#state === 'draining' || this.#state === 'closing' || this.#state === 'stopped'
  }

  addStartupCheck(name: string, fn: StartupCheck): void {
    add(this.#startupChecks, 'start-up check', name, fn)
  }

  addReadinessCheck(name: string, fn: ReadinessCheck): void {
    add(this.#readinessChecks, 'readiness check', name, fn)
  }

  /** Cleanup hooks run at shutdown after the server closed, in reverse order of registration. */
  onShutdown(name: string, fn: CleanupHook): void {
    add(this.#cleanupHooks, 'cleanup hook', name, fn)
  }

  get startupChecks(): readonly Named<StartupCheck>[] {
    return this.#startupChecks
  }

  get cleanupHooks(): readonly Named<CleanupHook>[] {
    return this.#cleanupHooks
  }

  forceNotReady(on: boolean): void {
    this.#forcedNotReady = on
  }

  forceNotLive(on: boolean): void {
    this.#forcedNotLive = on
  }

  readiness(): { ready: boolean; state: LifecycleState; checks: Record<string, boolean>; forced: boolean } {
    const checks: Record<string, boolean> = {}
    let allPass = true
    for (const { name, fn } of this.#readinessChecks) {
      let ok = false
      try {
        ok = fn() === true
      } catch {
        ok = false
      }
      checks[name] = ok
      allPass &&= ok
    }
    const ready = this.#state === 'ready' && !this.#forcedNotReady && allPass
    return { ready, state: this.#state, checks, forced: this.#forcedNotReady }
  }

  /** Whether traffic responses should keep connections alive: only while fully in rotation. */
  get keepConnections(): boolean {
    return !this.draining && !this.#forcedNotReady
  }

  get live(): boolean {
    return !this.#forcedNotLive
  }
}

function add<T>(list: Named<T>[], kind: string, name: string, fn: T): void {
  if (list.some((entry) => entry.name === name)) throw new DuplicateHookError(kind, name)
  list.push({ name, fn })
}
