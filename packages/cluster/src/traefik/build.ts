import { existsSync } from 'node:fs'
import { cp, mkdir, rename, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { BuildError, MissingPrerequisiteError } from '../errors.ts'
import { REPO_ROOT } from '../layout.ts'
import { run, tail } from '../run.ts'

/**
 * The Traefik the weighted-route overlays need (k8s/overlays/canary-traefik, canary-gateway-api): one
 * pinned release, built from its own Go module like the cluster's programs. v3.6.12 is the newest whose
 * dependencies the module proxy here serves (v3.7.x needs lego/v5 DNS providers it refuses with 403).
 */
export const TRAEFIK_MODULE = 'github.com/traefik/traefik/v3'
export const TRAEFIK_VERSION = 'v3.6.12'

/** `.tools/traefik/<version>/traefik`: the binary, built once per version. */
export function traefikBinary(): string {
  return join(REPO_ROOT, '.tools', 'traefik', TRAEFIK_VERSION, 'traefik')
}

let moduleDir: Promise<string> | undefined

/**
 * The pinned module's folder in the module cache (downloaded and checked against go.sum's database).
 * Asked once per process: building and starting Traefik both need it.
 */
export function traefikModuleDir(): Promise<string> {
  moduleDir ??= locateModule().catch((err: unknown) => {
    moduleDir = undefined
    throw err
  })
  return moduleDir
}

async function locateModule(): Promise<string> {
  const found = await run('sh', ['-c', 'command -v go'], { check: false })
  if (found.code !== 0)
    throw new MissingPrerequisiteError(
      'Go ≥ 1.24',
      'apt-get install -y golang (or a Go toolchain from go.dev)',
    )
  const { stdout } = await run('go', ['mod', 'download', '-json', `${TRAEFIK_MODULE}@${TRAEFIK_VERSION}`])
  return (JSON.parse(stdout) as { Dir: string }).Dir
}

/**
 * Builds Traefik when its binary is missing. Its go.mod has `replace` directives, which only hold in the
 * main module, so it is built inside a writable copy of its own module rather than with `go install`.
 * A first build compiles several hundred packages (minutes); with Go's build cache warm it only links.
 */
export async function ensureTraefik(log: (line: string) => void): Promise<string> {
  const binary = traefikBinary()
  if (existsSync(binary)) return binary
  const source = await traefikModuleDir()
  const work = join(REPO_ROOT, '.tools', 'traefik', `${TRAEFIK_VERSION}.src`)
  await rm(work, { recursive: true, force: true })
  await cp(source, work, { recursive: true, mode: 0 })
  await run('chmod', ['-R', 'u+w', work])
  await mkdir(join(binary, '..'), { recursive: true })
  log(`building Traefik ${TRAEFIK_VERSION} from its Go module; the first build takes several minutes`)
  const started = Date.now()
  const ldflags = `-s -w -X github.com/traefik/traefik/v3/pkg/version.Version=${TRAEFIK_VERSION}`
  const result = await run(
    'go',
    ['build', '-trimpath', `-ldflags=${ldflags}`, '-o', `${binary}.tmp`, './cmd/traefik'],
    { cwd: work, check: false },
  )
  if (result.code !== 0)
    throw new BuildError(`Traefik ${TRAEFIK_VERSION}`, result.code, tail(result.stderr + result.stdout, 30))
  await rename(`${binary}.tmp`, binary)
  await rm(work, { recursive: true, force: true })
  log(`built Traefik ${TRAEFIK_VERSION} in ${Math.round((Date.now() - started) / 1000)} s`)
  return binary
}
