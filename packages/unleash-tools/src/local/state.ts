import { randomBytes } from 'node:crypto'
import { chmodSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

/**
 * What `zdd flags up` leaves in its folder for `flags down`, `flags set|list|export` and `up --unleash`:
 * where the server and its database are, the tokens, and the pid while it runs. Holds secrets: mode 0600.
 */
export interface LocalState {
  version: 1
  /** Unleash's port on 127.0.0.1. */
  port: number
  /** The server root, e.g. http://127.0.0.1:4242 (services add /api/). */
  url: string
  /** Admin API token, created by INIT_ADMIN_API_TOKENS on the database's first start. */
  adminToken: string
  /** Backend token for the services (created through the admin API). */
  backendToken?: string
  /** The admin user's password, given to Unleash when it creates that user (the database's first start). */
  adminPassword?: string
  /** Set when the database was made before zdd generated passwords: its admin still has Unleash's default. */
  defaultAdminPassword?: boolean
  /** Signs Unleash's admin sessions (UNLEASH_SECRET). */
  sessionSecret?: string
  postgres: {
    /** Holds data/ and postgres.log; inside the folder unless the postgres user cannot reach it. */
    dir: string
    port: number
  }
  /** The running Unleash process; absent once stopped. */
  pid?: number
  /** The server entry it runs (absent in states written before it was recorded). */
  serverEntry?: string
  startedAt?: string
}

export const stateFile = (dir: string) => join(dir, 'state.json')
export const unleashLog = (dir: string) => join(dir, 'unleash.log')

export function readState(dir: string): LocalState | undefined {
  try {
    const state = JSON.parse(readFileSync(stateFile(dir), 'utf8')) as LocalState
    return state.version === 1 ? state : undefined
  } catch {
    return undefined
  }
}

export function writeState(dir: string, state: LocalState): void {
  const file = stateFile(dir)
  const tmp = `${file}.${process.pid}.tmp`
  writeFileSync(tmp, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 })
  chmodSync(tmp, 0o600)
  renameSync(tmp, file)
}

/** A random secret of `bytes` bytes, hex. */
export function newSecret(bytes: number): string {
  return randomBytes(bytes).toString('hex')
}

/** A new admin token secret in the form INIT_ADMIN_API_TOKENS wants: `*:*.<secret>`. */
export function newAdminToken(): string {
  return `*:*.${randomBytes(24).toString('hex')}`
}
