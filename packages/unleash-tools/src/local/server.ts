import { spawn } from 'node:child_process'
import { closeSync, openSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { StartFailedError } from '../errors.ts'

/**
 * The server entry runs unleash-server's start(), configured from the environment: @zdd/unleash's
 * dist/main.js, which the caller names (this package does not depend on the server). States written before
 * the entry was recorded ran it from there too.
 */
export const LEGACY_SERVER_ENTRY = '/unleash/dist/main.js'

export interface ServerSpec {
  /** The server entry to run with node (see LEGACY_SERVER_ENTRY). */
  entry: string
  port: number
  databaseUrl: string
  adminToken: string
  /** UNLEASH_DEFAULT_ADMIN_PASSWORD and UNLEASH_SECRET (checked by the server entry before it starts). */
  adminPassword: string
  sessionSecret: string
  logFile: string
  /** NODE_COMPILE_CACHE: unleash-server loads ~430 packages; a warm cache shortens every start after the first. */
  compileCache: string
}

/** Unleash's own environment variables; nothing else of the caller's environment leaks in. */
export function serverEnv(spec: Omit<ServerSpec, 'logFile' | 'entry'>): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: process.env.HOME ?? '/tmp',
    TZ: 'UTC',
    NODE_ENV: 'production',
    NODE_COMPILE_CACHE: spec.compileCache,
    DATABASE_URL: spec.databaseUrl,
    DATABASE_SSL: 'false',
    HTTP_HOST: '127.0.0.1',
    HTTP_PORT: String(spec.port),
    UNLEASH_URL: `http://127.0.0.1:${spec.port}`,
    CHECK_VERSION: 'false',
    SEND_TELEMETRY: 'false',
    // Applied only while the database has no API token at all: a reused database keeps its first one.
    INIT_ADMIN_API_TOKENS: spec.adminToken,
    UNLEASH_DEFAULT_ADMIN_USERNAME: 'admin',
    UNLEASH_DEFAULT_ADMIN_PASSWORD: spec.adminPassword,
    UNLEASH_SECRET: spec.sessionSecret,
    LOG_LEVEL: 'info',
  }
}

/** Starts Unleash detached from the caller (it outlives the CLI), logging to a file; resolves its pid. */
export function spawnServer(spec: ServerSpec): { pid: number; exited: Promise<number | null> } {
  const out = openSync(spec.logFile, 'a')
  const child = spawn(process.execPath, [spec.entry], {
    detached: true,
    stdio: ['ignore', out, out],
    env: serverEnv(spec),
  })
  closeSync(out)
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  child.unref()
  if (child.pid === undefined)
    throw new StartFailedError(`port ${spec.port}`, 'it could not be spawned', spec.logFile)
  return { pid: child.pid, exited }
}

export async function healthy(url: string, timeoutMs = 1000): Promise<boolean> {
  try {
    const res = await fetch(`${url}/health`, { signal: AbortSignal.timeout(timeoutMs) })
    await res.arrayBuffer()
    return res.status === 200
  } catch {
    return false
  }
}

/** Polls /health until it answers 200; fails early, with the log's last lines, if the process exits. */
export async function waitHealthy(
  url: string,
  exited: Promise<number | null>,
  logFile: string,
  timeoutMs: number,
): Promise<number> {
  const started = performance.now()
  let exitCode: number | null | undefined
  void exited.then((code) => {
    exitCode = code
  })
  while (performance.now() - started < timeoutMs) {
    if (exitCode !== undefined) {
      throw new StartFailedError(url, `it exited with code ${exitCode}:\n${tail(logFile)}\n`, logFile)
    }
    if (await healthy(url, 500)) return performance.now() - started
    await sleep(100)
  }
  throw new StartFailedError(url, `no healthy answer within ${timeoutMs} ms`, logFile)
}

export function tail(file: string, lines = 8): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n')
  } catch {
    return '(no log)'
  }
}

/** Whether `pid` is alive and runs `entry` (not a process that reused the pid). */
export function isServer(pid: number | undefined, entry = LEGACY_SERVER_ENTRY): pid is number {
  if (pid === undefined) return false
  try {
    process.kill(pid, 0)
  } catch {
    return false
  }
  try {
    return readFileSync(join('/proc', String(pid), 'cmdline'), 'utf8').includes(entry)
  } catch {
    return true // no /proc (macOS): the pid is alive, trust the state file
  }
}

/** SIGTERM (Unleash shuts down gracefully), SIGKILL after `graceMs`; resolves once the process is gone. */
export async function stopServer(pid: number, entry?: string, graceMs = 10_000): Promise<void> {
  if (!isServer(pid, entry)) return
  process.kill(pid, 'SIGTERM')
  const deadline = performance.now() + graceMs
  while (isServer(pid, entry)) {
    if (performance.now() > deadline) {
      process.kill(pid, 'SIGKILL')
      await sleep(100)
      return
    }
    await sleep(50)
  }
}
