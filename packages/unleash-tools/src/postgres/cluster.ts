import { execFile } from 'node:child_process'
import { appendFileSync, chownSync, existsSync, mkdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { DataVersionError, PostgresFailedError } from '../errors.ts'
import type { PostgresBinaries } from './binaries.ts'
import type { RunAs } from './user.ts'

/** A throwaway development cluster: `dir` holds `data/` and `postgres.log`, both owned by `runAs`. */
export interface Cluster {
  bin: PostgresBinaries
  dir: string
  runAs: RunAs | undefined
}

export const dataDir = (cluster: Pick<Cluster, 'dir'>) => join(cluster.dir, 'data')
export const logFile = (cluster: Pick<Cluster, 'dir'>) => join(cluster.dir, 'postgres.log')

// Development data only: durability traded for speed (a crash may lose the last changes, never a demo).
const SETTINGS = `
# zdd (services/unleash): local development cluster, reachable on 127.0.0.1 only, no unix socket
listen_addresses = '127.0.0.1'
unix_socket_directories = ''
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 50
`

function run(cluster: Cluster, binary: string, args: string[], step: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      binary,
      args,
      { ...cluster.runAs, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LC_ALL: 'C' }, timeout: 90_000 },
      (err, stdout, stderr) => {
        if (!err) return resolve(stdout)
        const said = `${stderr || stdout || err.message}`.trim().split('\n').slice(-3).join(' | ')
        reject(new PostgresFailedError(step, said, logFile(cluster)))
      },
    )
  })
}

/** Creates the cluster unless it exists (trust auth on 127.0.0.1: the superuser `postgres`, no password). */
export async function initCluster(cluster: Cluster): Promise<boolean> {
  const data = dataDir(cluster)
  const version = join(data, 'PG_VERSION')
  if (existsSync(version)) {
    const made = readFileSync(version, 'utf8').trim()
    if (made !== cluster.bin.major) throw new DataVersionError(data, made, cluster.bin.major)
    return false
  }
  mkdirSync(cluster.dir, { recursive: true, mode: 0o700 })
  if (cluster.runAs) chownSync(cluster.dir, cluster.runAs.uid, cluster.runAs.gid)
  const args = ['-D', data, '-U', 'postgres', '--auth=trust', '--encoding=UTF8', '--locale=C', '--no-sync']
  await run(cluster, cluster.bin.initdb, args, 'initdb')
  // Appending keeps the file's owner (the postgres user when we are root).
  appendFileSync(join(data, 'postgresql.conf'), SETTINGS)
  return true
}

/** The postmaster's pid while it runs (from postmaster.pid), else undefined. */
export function clusterPid(cluster: Pick<Cluster, 'dir'>): number | undefined {
  let text: string
  try {
    text = readFileSync(join(dataDir(cluster), 'postmaster.pid'), 'utf8')
  } catch {
    return undefined
  }
  const pid = Number(text.split('\n')[0])
  if (!Number.isInteger(pid) || pid <= 0) return undefined
  try {
    process.kill(pid, 0)
    return pid
  } catch (err) {
    // EPERM: alive, owned by the postgres user.
    return (err as NodeJS.ErrnoException).code === 'EPERM' ? pid : undefined
  }
}

/** The port the running postmaster listens on (line 4 of postmaster.pid). */
export function clusterPort(cluster: Pick<Cluster, 'dir'>): number | undefined {
  try {
    const port = Number(readFileSync(join(dataDir(cluster), 'postmaster.pid'), 'utf8').split('\n')[3])
    return Number.isInteger(port) && port > 0 ? port : undefined
  } catch {
    return undefined
  }
}

/** Starts the postmaster in the background (pg_ctl detaches it) and waits until it accepts connections. */
export async function startCluster(cluster: Cluster, port: number): Promise<void> {
  await run(
    cluster,
    cluster.bin.pgCtl,
    ['-D', dataDir(cluster), '-l', logFile(cluster), '-w', '-t', '60', '-o', `-p ${port}`, 'start'],
    'start',
  )
}

/**
 * Fast shutdown (SIGINT: sessions are closed, then the postmaster exits), waited for. A signal rather than
 * pg_ctl, so stopping needs no binaries.
 */
export async function stopCluster(cluster: Pick<Cluster, 'dir'>, timeoutMs = 30_000): Promise<void> {
  const pid = clusterPid(cluster)
  if (pid === undefined) return
  process.kill(pid, 'SIGINT')
  const deadline = performance.now() + timeoutMs
  while (clusterPid(cluster) === pid) {
    if (performance.now() > deadline) {
      throw new PostgresFailedError('stop', `pid ${pid} still runs after ${timeoutMs} ms`, logFile(cluster))
    }
    await sleep(50)
  }
}
