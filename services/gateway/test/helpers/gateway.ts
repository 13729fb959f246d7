import { type ChildProcess, spawn } from 'node:child_process'
import { EventEmitter, once } from 'node:events'
import { createInterface } from 'node:readline'
import type { TestContext } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'
import type { RouteTable } from '@zdd/routes'
import { freePorts } from '@zdd/test-support'

/** Options for every process test: a child that hangs fails its test instead of stalling the run. */
export const E2E = { timeout: 60_000 }

const MAIN = fileURLToPath(new URL('../../src/main.ts', import.meta.url))

export interface LogLine {
  level?: number
  msg?: string
  raw?: string
  [key: string]: unknown
}

export interface ServiceProcess {
  child: ChildProcess
  port: number
  managementPort: number
  url: string
  logs: LogLine[]
  stderr: () => string
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
  /** The management port's /metrics text. */
  metrics(): Promise<string>
  waitForLog(what: string, match: (line: LogLine) => boolean, timeoutMs?: number): Promise<LogLine>
}

export type GatewayProcess = ServiceProcess

/**
 * Forks the gateway (src/main.ts, run by Node as it is) with its own free ports, a clean environment and
 * the given route table, waits until /readyz answers 200, and kills it after the test whatever happened.
 */
export function startGateway(
  t: TestContext,
  opts: {
    routes?: RouteTable
    env?: Record<string, string>
    ready?: boolean
    /**
     * false: the test is a client from the internet. Default: the test acts as a trusted authenticating
     * proxy on 127.0.0.1 naming users with x-zdd-user (TRUST_PROXY, GATEWAY_USER_HEADER), and the demo page
     * is on.
     */
    trustedClient?: boolean
  },
): Promise<GatewayProcess> {
  const trusted: Record<string, string> =
    opts.trustedClient === false
      ? {}
      : { TRUST_PROXY: '127.0.0.1', GATEWAY_USER_HEADER: 'x-zdd-user', GATEWAY_DEMO_PAGE: 'true' }
  const env = {
    ...trusted,
    ...(opts.routes ? { GATEWAY_ROUTES: JSON.stringify(opts.routes) } : {}),
    ...opts.env,
  }
  return startService(t, MAIN, env, opts.ready)
}

/** Forks any service built on @zdd/lifecycle (`main` is its entry file) the same way. */
export async function startService(
  t: TestContext,
  main: string,
  env: Record<string, string> = {},
  ready = true,
): Promise<ServiceProcess> {
  const [port = 0, managementPort = 0] = await freePorts(2)
  const child = spawn(process.execPath, [main], {
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
  const exited = once(child, 'close').then(([code, signal]) => ({
    code: code as number | null,
    signal: signal as NodeJS.Signals | null,
  }))
  let hasExited = false
  void exited.then(() => {
    hasExited = true
  })
  t.after(async () => {
    if (!hasExited) {
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
    async metrics() {
      const response = await fetch(`http://127.0.0.1:${managementPort}/metrics`)
      return response.text()
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
        () => reject(new Error(`timed out waiting for log: ${what}${dump()}`)),
        timeoutMs,
      )
      try {
        return await promise
      } finally {
        clearTimeout(timer)
        lines.off('line', onLine)
      }
    },
  }
  if (ready) {
    const deadline = performance.now() + 20_000
    for (;;) {
      if (hasExited) throw new Error(`${main} exited before it was ready${dump()}`)
      const ready = await fetch(`http://127.0.0.1:${managementPort}/readyz`).then(
        (response) => response.status === 200,
        () => false,
      )
      if (ready) break
      if (performance.now() > deadline) throw new Error(`${main} did not become ready${dump()}`)
      await sleep(25)
    }
  }
  return service
}

/** One sample of a counter from Prometheus text, by its labels (0 when absent). */
export function metricValue(text: string, name: string, labels: Record<string, string>): number {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`)) continue
    const matches = Object.entries(labels).every(([key, value]) => line.includes(`${key}="${value}"`))
    if (matches) return Number(line.slice(line.lastIndexOf(' ') + 1))
  }
  return 0
}
