import { type ChildProcess, spawn } from 'node:child_process'
import { EventEmitter, once } from 'node:events'
import { createInterface } from 'node:readline'
import type { TestContext } from 'node:test'
import { request } from './http.ts'
import { freePorts } from './ports.ts'
import { waitFor } from './wait.ts'

/** One pino line from the child's stdout (`raw` holds anything that was not JSON). */
export interface LogLine {
  level?: number
  msg?: string
  raw?: string
  err?: { code?: string; message?: string; type?: string }
  [key: string]: unknown
}

export interface Exit {
  code: number | null
  signal: NodeJS.Signals | null
  /** performance.now() when the parent saw the exit (the promise itself resolves once all output is read). */
  at: number
}

/** A service built on @zdd/lifecycle, running as a real child process on its own ports. */
export interface ServiceProcess {
  child: ChildProcess
  port: number
  managementPort: number
  /** http://127.0.0.1:<port>, the traffic listener. */
  url: string
  logs: LogLine[]
  stderr: () => string
  exited: Promise<Exit>
  /** Sends a real signal and returns performance.now() just before it was sent. */
  signal: (name: NodeJS.Signals) => number
  waitForLog: (what: string, match: (line: LogLine) => boolean, timeoutMs?: number) => Promise<LogLine>
  /** Resolves once GET /readyz on the management port answers 200; fails with the output if it exits. */
  waitReady: (timeoutMs?: number) => Promise<void>
  /** The management port's /metrics text. */
  metrics: () => Promise<string>
}

/**
 * Starts `entry` (a service on @zdd/lifecycle, run by Node as it is) with its own free ports on 127.0.0.1
 * and a clean environment (nothing leaks in from the test runner's), collects its JSON log lines, waits
 * until it is ready unless told not to, and kills it in `t.after` whatever the outcome.
 */
export async function startService(
  t: TestContext,
  entry: string,
  env: Record<string, string> = {},
  { ready = true } = {},
): Promise<ServiceProcess> {
  const [port = 0, managementPort = 0] = await freePorts(2)
  const child = spawn(process.execPath, [entry], {
    env: {
      PATH: process.env.PATH ?? '',
      HOST: '127.0.0.1',
      PORT: String(port),
      MANAGEMENT_PORT: String(managementPort),
      LOG_LEVEL: 'info',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const logs: LogLine[] = []
  const lines = new EventEmitter<{ line: [LogLine] }>()
  createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (text) => {
    let line: LogLine
    try {
      line = JSON.parse(text) as LogLine
    } catch {
      line = { raw: text }
    }
    logs.push(line)
    lines.emit('line', line)
  })
  let stderr = ''
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk
  })
  // Timed at 'exit'; resolved at 'close', once stdout and stderr are fully read.
  let exitAt = 0
  child.once('exit', () => {
    exitAt = performance.now()
  })
  const exited = once(child, 'close').then(([code, signal]) => ({
    code: code as number | null,
    signal: signal as NodeJS.Signals | null,
    at: exitAt,
  }))
  const gone = new AbortController()
  void exited.then(() => gone.abort(`${entry} exited`))
  t.after(async () => {
    if (!gone.signal.aborted) {
      child.kill('SIGKILL')
      await exited
    }
  })
  const dump = () =>
    `\n--- stdout ---\n${logs.map((l) => l.raw ?? JSON.stringify(l)).join('\n')}\n--- stderr ---\n${stderr}`

  const service: ServiceProcess = {
    child,
    port,
    managementPort,
    url: `http://127.0.0.1:${port}`,
    logs,
    stderr: () => stderr,
    exited,
    signal(name) {
      const at = performance.now()
      child.kill(name)
      return at
    },
    async waitForLog(what, match, timeoutMs = 15_000) {
      const seen = logs.find(match)
      if (seen) return seen
      const { promise, resolve, reject } = Promise.withResolvers<LogLine>()
      const onLine = (line: LogLine) => {
        if (match(line)) resolve(line)
      }
      lines.on('line', onLine)
      const timer = setTimeout(
        () => reject(new Error(`timed out after ${timeoutMs} ms waiting for log: ${what}${dump()}`)),
        timeoutMs,
      )
      // After exit, give readline a turn to deliver the last lines before giving up.
      const onExit = () =>
        setImmediate(() => reject(new Error(`${entry} exited before logging: ${what}${dump()}`)))
      gone.signal.addEventListener('abort', onExit, { once: true })
      if (gone.signal.aborted) onExit()
      try {
        return await promise
      } finally {
        clearTimeout(timer)
        lines.off('line', onLine)
        gone.signal.removeEventListener('abort', onExit)
      }
    },
    async waitReady(timeoutMs = 20_000) {
      try {
        await waitFor(
          'GET /readyz = 200',
          async () => ((await request(managementPort, '/readyz')).status === 200 ? true : undefined),
          { timeoutMs, signal: gone.signal },
        )
      } catch (err) {
        throw new Error(`${entry}: ${(err as Error).message}${dump()}`)
      }
    },
    async metrics() {
      return (await request(managementPort, '/metrics')).body
    },
  }
  if (ready) await service.waitReady()
  return service
}

/** The index of the first log line whose message starts with `prefix`, or -1. */
export function logIndex(logs: readonly LogLine[], prefix: string): number {
  return logs.findIndex((line) => line.msg?.startsWith(prefix))
}
