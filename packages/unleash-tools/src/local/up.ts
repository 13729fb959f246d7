import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { DEMO_FLAGS_FILE, type FlagsDocument, readFlagsFile } from '@zdd/flags'
import { portFree } from '@zdd/ports'
import { AdminClient } from '../admin.ts'
import { AlreadyRunningError, PortInUseError, TokenRejectedError } from '../errors.ts'
import { type SeedResult, seedFlags } from '../seed.ts'
import { wipeLocalUnleash } from './down.ts'
import { ensureCluster } from './postgres.ts'
import { healthy, isServer, spawnServer, stopServer, waitHealthy } from './server.ts'
import {
  type LocalState,
  newAdminToken,
  newSecret,
  readState,
  stateFile,
  unleashLog,
  writeState,
} from './state.ts'
import { ensureBackendToken } from './tokens.ts'

export const DEFAULT_PORT = 4242
/** The admin Unleash made for databases created before zdd generated a password (unleash-server's default). */
export const LEGACY_LOGIN = { user: 'admin', password: 'unleash4all' } as const

export interface Login {
  user: string
  password: string
  /** The database's admin still has Unleash's published default password. */
  legacy: boolean
}

/** The admin login of a local Unleash, from its state. */
export function loginOf(state: LocalState): Login {
  if (state.defaultAdminPassword || !state.adminPassword) return { ...LEGACY_LOGIN, legacy: true }
  return { user: 'admin', password: state.adminPassword, legacy: false }
}

export interface UpOptions {
  /** The one folder holding everything (e.g. .zdd/unleash); `fresh` wipes it first. */
  dir: string
  /** The server entry to run: @zdd/unleash's dist/main.js (this package does not depend on the server). */
  serverEntry: string
  port?: number
  fresh?: boolean
  /** How long Unleash may take to answer /health (the first start migrates an empty database). */
  timeoutMs?: number
  /** Flags to seed; the demo flags (packages/flags/flags/demo.json) when absent. */
  flags?: FlagsDocument
  log?: (line: string) => void
}

export interface LocalUnleash {
  /** The server root: admin UI and admin API. */
  url: string
  /** What services take as UNLEASH_URL (ends in /api/). */
  apiUrl: string
  adminToken: string
  backendToken: string
  login: Login
  logFile: string
  pid: number
  /** It ran already: nothing was started, only the seed was checked. */
  reused: boolean
  timings: { postgresInitMs: number; postgresStartMs: number; unleashMs: number; seedMs: number }
  seed: SeedResult
}

/**
 * `zdd flags up`: Postgres (created on first use) and Unleash (detached, logging to a file) on 127.0.0.1,
 * healthy, the flags seeded idempotently and a backend token for the services. Safe to run again.
 */
export async function upLocalUnleash(options: UpOptions): Promise<LocalUnleash> {
  const { dir } = options
  const log = options.log ?? (() => {})
  // The port chosen once stays, --fresh included: only the data goes.
  const port = options.port ?? readState(dir)?.port ?? DEFAULT_PORT
  if (options.fresh) await wipeLocalUnleash(dir)
  mkdirSync(dir, { recursive: true, mode: 0o755 })
  const previous = readState(dir)
  if (previous && isServer(previous.pid, previous.serverEntry) && previous.port !== port) {
    throw new AlreadyRunningError(previous.url)
  }
  const pg = await ensureCluster(dir, previous?.postgres, log)
  const url = `http://127.0.0.1:${port}`
  let state: LocalState = {
    version: 1,
    port,
    url,
    adminToken: previous?.adminToken ?? newAdminToken(),
    ...(previous?.backendToken ? { backendToken: previous.backendToken } : {}),
    // A database made before zdd generated passwords keeps the admin Unleash created then.
    adminPassword: previous?.adminPassword ?? newSecret(12),
    ...(previous && !previous.adminPassword ? { defaultAdminPassword: true } : {}),
    ...(previous?.defaultAdminPassword ? { defaultAdminPassword: true } : {}),
    sessionSecret: previous?.sessionSecret ?? newSecret(32),
    postgres: { dir: pg.cluster.dir, port: pg.port },
    ...(previous?.pid
      ? { pid: previous.pid, startedAt: previous.startedAt, serverEntry: previous.serverEntry }
      : {}),
  }
  // Written before Unleash starts, so that `flags down` finds Postgres even if the rest fails.
  writeState(dir, state)

  const logFile = unleashLog(dir)
  const reused = isServer(state.pid, state.serverEntry) && (await healthy(url))
  let unleashMs = 0
  if (!reused) {
    if (state.pid !== undefined) await stopServer(state.pid, state.serverEntry)
    if (!(await portFree(port))) throw new PortInUseError(port)
    const server = spawnServer({
      entry: options.serverEntry,
      port,
      databaseUrl: `postgres://postgres@127.0.0.1:${pg.port}/postgres`,
      adminToken: state.adminToken,
      adminPassword: state.adminPassword as string,
      sessionSecret: state.sessionSecret as string,
      logFile,
      compileCache: join(dir, 'compile-cache'),
    })
    state = {
      ...state,
      pid: server.pid,
      startedAt: new Date().toISOString(),
      serverEntry: options.serverEntry,
    }
    writeState(dir, state)
    log(`unleash: starting on ${url} (pid ${server.pid}, log ${logFile})`)
    unleashMs = await waitHealthy(url, server.exited, logFile, options.timeoutMs ?? 90_000)
  }

  const admin = new AdminClient({ url, token: state.adminToken })
  if (!(await admin.authorized())) throw new TokenRejectedError(stateFile(dir), url)
  const seed = await seedFlags(admin, options.flags ?? readFlagsFile(DEMO_FLAGS_FILE))
  const backendToken = await ensureBackendToken(admin, state.backendToken)
  writeState(dir, { ...state, backendToken })
  return {
    url,
    apiUrl: `${url}/api/`,
    adminToken: state.adminToken,
    backendToken,
    login: loginOf(state),
    logFile,
    pid: state.pid ?? 0,
    reused,
    timings: {
      postgresInitMs: pg.initMs,
      postgresStartMs: pg.startMs,
      unleashMs,
      seedMs: seed.ms,
    },
    seed,
  }
}
