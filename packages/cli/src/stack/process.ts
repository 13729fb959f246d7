import { type ChildProcess, spawn } from 'node:child_process'
import { once } from 'node:events'
import { createWriteStream, existsSync, type WriteStream } from 'node:fs'
import { setTimeout as sleep } from 'node:timers/promises'

export interface ProcessSpec {
  name: string
  /** The service's built entry point (dist/main.js). */
  entry: string
  port: number
  managementPort: number
  env: Record<string, string>
}

export interface Exit {
  code: number | null
  signal: NodeJS.Signals | null
}

/**
 * util-linux's setpriv (in every Debian/Ubuntu base system) sets the kernel's parent-death signal before it
 * execs the service: when `zdd up` dies, even by SIGKILL, each service gets SIGTERM and drains.
 */
const SETPRIV = '/usr/bin/setpriv'
export const PARENT_DEATH_SIGNAL = process.platform === 'linux' && existsSync(SETPRIV)

/**
 * One service of the local stack, logging to its own file, readiness read from /readyz. `start` may be
 * called again once it exited (the supervisor restarts it); the log file is appended to.
 */
export class StackProcess {
  readonly spec: ProcessSpec
  readonly #log: WriteStream
  #child: ChildProcess | undefined
  #stopping = false
  exited: Promise<Exit> = Promise.resolve({ code: null, signal: null })
  /** When the current child was started (performance.now()). */
  startedAt = 0

  constructor(spec: ProcessSpec, logFile: string) {
    this.spec = spec
    this.#log = createWriteStream(logFile, { flags: 'a' })
  }

  start(): void {
    const node = [process.execPath, this.spec.entry]
    const [command, ...args] = PARENT_DEATH_SIGNAL ? [SETPRIV, '--pdeathsig', 'SIGTERM', '--', ...node] : node
    const child = spawn(command as string, args, {
      env: {
        ...process.env,
        LOG_LEVEL: 'info',
        ...this.spec.env,
        PORT: String(this.spec.port),
        MANAGEMENT_PORT: String(this.spec.managementPort),
        POD_NAME: this.spec.name,
      },
      // Own process group: a Ctrl-C in the terminal reaches `zdd up` only, which then stops the stack in order.
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    child.stdout?.pipe(this.#log, { end: false })
    child.stderr?.pipe(this.#log, { end: false })
    this.#child = child
    this.startedAt = performance.now()
    this.exited = once(child, 'exit').then(([code, signal]) => ({ code, signal }))
  }

  /** The current child's pid (setpriv execs node in place: the same pid). */
  get pid(): number | undefined {
    return this.#child?.pid
  }

  get running(): boolean {
    return this.#child !== undefined && this.#child.exitCode === null && this.#child.signalCode === null
  }

  /** Whether `stop` was called: an exit from now on is wanted, not a crash. */
  get stopping(): boolean {
    return this.#stopping
  }

  /** Polls /readyz until 200; rejects when the process exits first or the deadline passes. */
  async waitReady(deadlineMs: number): Promise<number> {
    const start = performance.now()
    const url = `http://127.0.0.1:${this.spec.managementPort}/readyz`
    while (performance.now() - start < deadlineMs) {
      if (!this.running) throw new Error(`${this.spec.name} exited before it was ready`)
      try {
        const res = await fetch(url, { signal: AbortSignal.timeout(500) })
        if (res.status === 200) return performance.now() - start
      } catch {
        // not listening yet
      }
      await sleep(50)
    }
    throw new Error(`${this.spec.name} was not ready within ${deadlineMs} ms`)
  }

  /** SIGTERM, then SIGKILL after `graceMs`; resolves with the exit once the process is gone. */
  async stop(graceMs: number): Promise<Exit> {
    this.#stopping = true
    const child = this.#child
    if (child && this.running) child.kill('SIGTERM')
    const timer = setTimeout(() => child?.kill('SIGKILL'), graceMs)
    timer.unref()
    const exit = await this.exited
    clearTimeout(timer)
    this.#log.end()
    return exit
  }
}
