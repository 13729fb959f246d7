import { type ChildProcess, spawn } from 'node:child_process'
import { once } from 'node:events'
import { CommandNotStartedError } from './errors.ts'

/** How a process ended: an exit code, or the signal that killed it; `killed` when we had to SIGKILL it. */
export interface Exit {
  code: number | null
  signal: NodeJS.Signals | null
  /** ms from the stop signal (or the pod's deletion) to the exit. */
  afterMs: number
  killed: boolean
}

const OUTPUT_KEEP = 64 * 1024

/**
 * The command under test, in a process group of its own, as a container's main process: its output is kept
 * (the last 64 KiB) for the report, signals go to its main process only (as a container runtime sends them),
 * and `killGroup` ends everything it started.
 */
export class Child {
  readonly process: ChildProcess
  #output = ''
  #exited: Promise<void>

  private constructor(proc: ChildProcess) {
    this.process = proc
    const keep = (chunk: Buffer) => {
      this.#output = (this.#output + chunk.toString('utf8')).slice(-OUTPUT_KEEP)
    }
    proc.stdout?.on('data', keep)
    proc.stderr?.on('data', keep)
    this.#exited = once(proc, 'exit').then(
      () => undefined,
      () => undefined,
    )
  }

  static async start(argv: string[], env: NodeJS.ProcessEnv, cwd: string): Promise<Child> {
    const [file, ...args] = argv
    const proc = spawn(file as string, args, { env, cwd, detached: true, stdio: ['ignore', 'pipe', 'pipe'] })
    // events.once rejects on 'error': the spawn failing (ENOENT, EACCES) arrives as that rejection.
    const started = await once(proc, 'spawn').then(
      () => undefined,
      (err: Error) => err,
    )
    if (started instanceof Error) throw new CommandNotStartedError(argv.join(' '), started.message)
    return new Child(proc)
  }

  get pid(): number {
    return this.process.pid as number
  }

  get alive(): boolean {
    return this.process.exitCode === null && this.process.signalCode === null
  }

  output(): string {
    return this.#output
  }

  /** Sends a signal to one process (the main one by default), as a container runtime does. */
  signal(signal: NodeJS.Signals, pid = this.pid): void {
    try {
      process.kill(pid, signal)
    } catch {
      // already gone
    }
  }

  /** Waits for the exit until `deadline` (a performance.now() time): undefined if it is still running then. */
  async exitBy(since: number, deadline: number): Promise<Exit | undefined> {
    let timer: NodeJS.Timeout | undefined
    const timedOut = await Promise.race([
      this.#exited.then(() => false),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(true), Math.max(0, deadline - performance.now()))
      }),
    ])
    clearTimeout(timer)
    if (timedOut) return undefined
    const afterMs = Math.round(performance.now() - since)
    return { code: this.process.exitCode, signal: this.process.signalCode, afterMs, killed: false }
  }

  /** Waits for the exit until `deadline`, then SIGKILLs the whole group, as the kubelet does at the grace deadline. */
  async waitExit(since: number, deadline: number): Promise<Exit> {
    const exit = await this.exitBy(since, deadline)
    if (exit !== undefined) return exit
    const afterMs = Math.round(performance.now() - since)
    this.killGroup()
    await this.#exited
    return { code: null, signal: 'SIGKILL', afterMs, killed: true }
  }

  /** SIGKILL to the whole process group: what the kubelet does at the grace deadline, and our cleanup. */
  killGroup(): void {
    try {
      process.kill(-this.pid, 'SIGKILL')
    } catch {
      // the group is empty
    }
  }
}

/** `sh -c` quoting: each argument in single quotes, quotes inside it escaped. */
export function shellQuote(argv: string[]): string {
  return argv
    .map((arg) => (/^[\w./:=@%+-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", "'\\''")}'`))
    .join(' ')
}
