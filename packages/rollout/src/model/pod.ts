import { type ChildProcess, spawn } from 'node:child_process'
import { EventEmitter, once } from 'node:events'
import { setTimeout as sleep } from 'node:timers/promises'
import type { Clock } from './clock.ts'
import type { EventLog } from './events.ts'
import { Prober, type ProbeSpec } from './probe.ts'

/** What a Deployment stamps pods from: the built service and its environment. */
export interface PodTemplate {
  version: string
  command: string
  args: readonly string[]
  env: Readonly<Record<string, string>>
  /** Labels a Service selector and a PodDisruptionBudget match on (e.g. track, color). */
  labels?: Readonly<Record<string, string>>
}

export interface PodSpec {
  readiness: ProbeSpec
  liveness: ProbeSpec
  /** lifecycle.preStop sleep before SIGTERM; counts against the grace period, as in Kubernetes. */
  preStopMs: number
  terminationGracePeriodMs: number
}

export type PodPhase = 'Pending' | 'Running' | 'Terminating' | 'Terminated'

export interface Termination {
  pod: string
  version: string
  exitCode: number | null
  signal: string | null
  sigkill: boolean
  /** From the deletion (terminating) to process exit. */
  durationMs: number
}

const LOG_TAIL_LINES = 40

/**
 * A pod: one child process of the built service on its own ports, a readiness prober gating endpoints and
 * a liveness prober that restarts the container. Deletion follows the kubelet: mark terminating (endpoints
 * react after their own propagation delay), preStop sleep, SIGTERM, SIGKILL when the grace period runs out.
 */
export class Pod extends EventEmitter<{
  ready: [boolean]
  terminating: []
  exit: [Termination]
  /** Every non-empty line the container writes (stdout and stderr), e.g. for a scenario reading its logs. */
  log: [string]
}> {
  phase: PodPhase = 'Pending'
  ready = false
  readySinceMs: number | undefined
  restarts = 0
  /** The (simulated) node the scheduler placed the pod on, when the run has nodes. */
  node: string | undefined
  readonly logTail: string[] = []
  #child: ChildProcess | undefined
  #readiness: Prober | undefined
  #liveness: Prober | undefined
  #termination: Promise<Termination> | undefined

  readonly name: string
  readonly template: PodTemplate
  readonly port: number
  readonly managementPort: number
  readonly #spec: PodSpec
  readonly #clock: Clock
  readonly #events: EventLog

  constructor(
    name: string,
    template: PodTemplate,
    ports: { port: number; managementPort: number },
    spec: PodSpec,
    clock: Clock,
    events: EventLog,
  ) {
    super()
    this.name = name
    this.template = template
    this.port = ports.port
    this.managementPort = ports.managementPort
    this.#spec = spec
    this.#clock = clock
    this.#events = events
  }

  get version(): string {
    return this.template.version
  }

  get labels(): Readonly<Record<string, string>> {
    return this.template.labels ?? {}
  }

  get terminating(): boolean {
    return this.phase === 'Terminating' || this.phase === 'Terminated'
  }

  /** Ready and ready for at least `minReadyMs` (a Deployment's notion of available). */
  available(minReadyMs: number): boolean {
    return this.ready && this.readySinceMs !== undefined && this.#clock() - this.readySinceMs >= minReadyMs
  }

  start(): void {
    this.#spawn()
    this.phase = 'Running'
    this.#events.record({
      type: 'pod-created',
      pod: this.name,
      version: this.version,
      ...(this.node ? { detail: `on ${this.node}` } : {}),
    })
    const portOf = (probe: ProbeSpec) => (probe.port === 'traffic' ? this.port : this.managementPort)
    this.#readiness = new Prober(portOf(this.#spec.readiness), this.#spec.readiness, (ok) =>
      this.#setReady(ok),
    )
    this.#liveness = new Prober(portOf(this.#spec.liveness), this.#spec.liveness, (ok) => {
      if (!ok && this.phase === 'Running') void this.#restart()
    })
    this.#readiness.start()
    this.#liveness.start()
  }

  /** Teardown after a run, when nothing is measured any more: SIGKILL, no drain. */
  async kill(): Promise<void> {
    this.phase = 'Terminated'
    this.#readiness?.stop()
    this.#liveness?.stop()
    const child = this.#child
    if (!child || child.exitCode !== null || child.signalCode !== null) return
    const exited = once(child, 'exit')
    child.kill('SIGKILL')
    await exited
  }

  terminate(): Promise<Termination> {
    this.#termination ??= this.#terminate()
    return this.#termination
  }

  #spawn(): void {
    const child = spawn(this.template.command, [...this.template.args], {
      env: {
        PATH: process.env.PATH ?? '',
        ...this.template.env,
        PORT: String(this.port),
        MANAGEMENT_PORT: String(this.managementPort),
        HOST: '127.0.0.1',
        APP_VERSION: this.version,
        POD_NAME: this.name,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    // Pipes must be drained or a chatty child blocks; keep the tail for diagnostics.
    const keep = (chunk: Buffer) => {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (line.trim() === '') continue
        this.logTail.push(line)
        if (this.logTail.length > LOG_TAIL_LINES) this.logTail.shift()
        this.emit('log', line)
      }
    }
    child.stdout?.on('data', keep)
    child.stderr?.on('data', keep)
    this.#child = child
  }

  #setReady(ok: boolean): void {
    if (ok === this.ready) return
    this.ready = ok
    this.readySinceMs = ok ? this.#clock() : undefined
    this.#events.record({ type: ok ? 'pod-ready' : 'pod-not-ready', pod: this.name, version: this.version })
    this.emit('ready', ok)
  }

  async #restart(): Promise<void> {
    // Liveness failure: the kubelet kills the container (SIGTERM, grace, SIGKILL) and starts it again.
    const child = this.#child
    this.#setReady(false)
    if (child && child.exitCode === null) await this.#stopProcess(child, 0)
    if (this.phase !== 'Running') return
    this.restarts += 1
    this.#events.record({ type: 'pod-restarted', pod: this.name, version: this.version, detail: 'liveness' })
    this.#spawn()
  }

  async #terminate(): Promise<Termination> {
    const deletedAt = this.#clock()
    this.phase = 'Terminating'
    this.#setReady(false)
    this.#readiness?.stop()
    this.#liveness?.stop()
    this.#events.record({ type: 'pod-terminating', pod: this.name, version: this.version })
    this.emit('terminating')
    const child = this.#child
    let result: { exitCode: number | null; signal: string | null; sigkill: boolean } = {
      exitCode: child?.exitCode ?? null,
      signal: child?.signalCode ?? null,
      sigkill: false,
    }
    if (child && child.exitCode === null && child.signalCode === null) {
      result = await this.#stopProcess(child, this.#spec.preStopMs)
    }
    this.phase = 'Terminated'
    const termination: Termination = {
      pod: this.name,
      version: this.version,
      ...result,
      durationMs: Math.round(this.#clock() - deletedAt),
    }
    this.#events.record({
      type: 'pod-exited',
      pod: this.name,
      version: this.version,
      detail: `exit ${result.exitCode ?? result.signal}${result.sigkill ? ' after SIGKILL' : ''}`,
    })
    this.emit('exit', termination)
    return termination
  }

  async #stopProcess(
    child: ChildProcess,
    preStopMs: number,
  ): Promise<{ exitCode: number | null; signal: string | null; sigkill: boolean }> {
    const startedAt = this.#clock()
    const exited = once(child, 'exit') as Promise<[number | null, string | null]>
    if (preStopMs > 0) await Promise.race([sleep(preStopMs, undefined, { ref: false }), exited])
    if (child.exitCode === null && child.signalCode === null) {
      this.#events.record({ type: 'pod-sigterm', pod: this.name, version: this.version })
      child.kill('SIGTERM')
    }
    const remaining = Math.max(0, this.#spec.terminationGracePeriodMs - (this.#clock() - startedAt))
    const timer = sleep(remaining, undefined, { ref: false }).then(() => 'timeout' as const)
    const first = await Promise.race([exited, timer])
    let sigkill = false
    if (first === 'timeout' && child.exitCode === null && child.signalCode === null) {
      sigkill = true
      this.#events.record({ type: 'pod-sigkill', pod: this.name, version: this.version })
      child.kill('SIGKILL')
    }
    const [exitCode, signal] = await exited
    return { exitCode, signal, sigkill }
  }
}
