import { type ChildProcess, spawn } from 'node:child_process'
import { once } from 'node:events'
import { createWriteStream, type WriteStream } from 'node:fs'
import { setTimeout as sleep } from 'node:timers/promises'

export interface ProcessSpec {
  name: string
  /** The service's built entry point (dist/main.js). */
  entry: string
  port: number
  managementPort: number
  env: Record<string, string>
}

/** One service process of the local stack, logging to its own file, readiness read from /readyz. */
export class StackProcess {
  readonly spec: ProcessSpec
  readonly #log: WriteStream
  readonly #child: ChildProcess
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>

  constructor(spec: ProcessSpec, logFile: string) {
    this.spec = spec
    this.#log = createWriteStream(logFile, { flags: 'a' })
    this.#child = spawn(process.execPath, [spec.entry], {
      env: {
        ...process.env,
        LOG_LEVEL: 'info',
        ...spec.env,
        PORT: String(spec.port),
        MANAGEMENT_PORT: String(spec.managementPort),
        POD_NAME: spec.name,
      },
      // Own process group: a Ctrl-C in the terminal reaches `zdd up` only, which then stops the stack in order.
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    this.#child.stdout?.pipe(this.#log, { end: false })
    this.#child.stderr?.pipe(this.#log, { end: false })
    this.exited = once(this.#child, 'exit').then(([code, signal]) => ({ code, signal }))
  }

  get running(): boolean {
    return this.#child.exitCode === null && this.#child.signalCode === null
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
  async stop(graceMs: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    if (this.running) this.#child.kill('SIGTERM')
    const timer = setTimeout(() => this.#child.kill('SIGKILL'), graceMs)
    timer.unref()
    const exit = await this.exited
    clearTimeout(timer)
    this.#log.end()
    return exit
  }
}
