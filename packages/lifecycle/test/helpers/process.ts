import { type ChildProcess, spawn } from 'node:child_process'
import { EventEmitter, once } from 'node:events'
import { createInterface } from 'node:readline'
import type { TestContext } from 'node:test'
import { fileURLToPath } from 'node:url'
import { freePorts, waitFor } from '@zdd/test-support'
import { request } from './http.ts'

/** Options for every process test: a child that hangs fails its test instead of stalling the whole run. */
export const E2E = { timeout: 30_000 }

const FIXTURE = fileURLToPath(new URL('../fixtures/service.ts', import.meta.url))

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

export interface ServiceProcess {
  child: ChildProcess
  port: number
  managementPort: number
  logs: LogLine[]
  stderr: () => string
  exited: Promise<Exit>
  /** Sends a real signal and returns performance.now() just before it was sent. */
  signal: (name: NodeJS.Signals) => number
  waitForLog: (what: string, match: (line: LogLine) => boolean, timeoutMs?: number) => Promise<LogLine>
  /** Resolves once GET /readyz on the management port answers 200. */
  waitReady: (timeoutMs?: number) => Promise<void>
}

/**
 * Forks the fixture service with its own free ports on 127.0.0.1 and a clean environment (nothing leaks in
 * from the test runner's), collects its JSON log lines, and kills it in `t.after` whatever the outcome.
 */
export async function startFixture(
  t: TestContext,
  env: Record<string, string> = {},
  { ready = true } = {},
): Promise<ServiceProcess> {
  const [port = 0, managementPort = 0] = await freePorts(2)
  const child = spawn(process.execPath, [FIXTURE], {
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
  createInterface({ input: child.stdout! }).on('line', (text) => {
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
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
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
  let hasExited = false
  const gone = new AbortController()
  void exited.then(() => {
    hasExited = true
    gone.abort('the fixture exited')
  })

  t.after(async () => {
    if (!hasExited) {
      child.kill('SIGKILL')
      await exited
    }
  })

  const dump = () =>
    `\n--- fixture stdout ---\n${logs.map((l) => l.raw ?? JSON.stringify(l)).join('\n')}\n--- fixture stderr ---\n${stderr}`

  const service: ServiceProcess = {
    child,
    port,
    managementPort,
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
        setImmediate(() => reject(new Error(`fixture exited before logging: ${what}${dump()}`)))
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
        throw new Error(`${(err as Error).message}${dump()}`)
      }
    },
  }
  if (ready) await service.waitReady()
  return service
}

/** The index of the first log line whose message starts with `prefix`, or -1. */
export function logIndex(logs: LogLine[], prefix: string): number {
  return logs.findIndex((line) => line.msg?.startsWith(prefix))
}

/** Once the log says `started` (a request began), sends SIGTERM and waits until the listener closes. */
export async function terminateDuring(service: ServiceProcess, started: string): Promise<number> {
  await service.waitForLog(started, (line) => line.msg === started)
  const signalledAt = service.signal('SIGTERM')
  await service.waitForLog(
    'closing the listener',
    (line) => line.msg?.startsWith('closing the listener') === true,
  )
  return signalledAt
}
