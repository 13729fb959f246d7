import { rmSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import { clusterPid, stopCluster } from '../postgres/cluster.ts'
import { healthy, isServer, stopServer } from './server.ts'
import { type LocalState, readState, writeState } from './state.ts'

export interface DownResult {
  /** Whether an Unleash process was stopped. */
  unleash: boolean
  /** Whether a Postgres postmaster was stopped. */
  postgres: boolean
}

/** `zdd flags down`: Unleash first (it closes its pool), then Postgres. Data stays; safe when stopped. */
export async function downLocalUnleash(dir: string): Promise<DownResult> {
  const state = readState(dir)
  const result: DownResult = { unleash: false, postgres: false }
  if (state?.pid !== undefined && isServer(state.pid, state.serverEntry)) {
    await stopServer(state.pid, state.serverEntry)
    result.unleash = true
  }
  const cluster = { dir: state?.postgres.dir ?? join(dir, 'postgres') }
  if (clusterPid(cluster) !== undefined) {
    await stopCluster(cluster)
    result.postgres = true
  }
  if (state) {
    const { pid: _pid, startedAt: _started, serverEntry: _entry, ...stopped } = state
    writeState(dir, stopped)
  }
  return result
}

/** Stops everything and removes the folder, and the cluster's own folder when it lives elsewhere. */
export async function wipeLocalUnleash(dir: string): Promise<void> {
  const state = readState(dir)
  await downLocalUnleash(dir)
  const pgDir = state?.postgres.dir
  if (pgDir && relative(dir, pgDir).startsWith('..')) rmSync(dirname(pgDir), { recursive: true, force: true })
  rmSync(dir, { recursive: true, force: true })
}

/** The state of the local Unleash when it runs and answers /health; undefined otherwise. */
export async function runningLocalUnleash(dir: string): Promise<LocalState | undefined> {
  const state = readState(dir)
  if (!state || !isServer(state.pid, state.serverEntry) || !(await healthy(state.url))) return undefined
  return state
}
