import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, symlinkSync } from 'node:fs'
import { join } from 'node:path'
import { BuildError, MissingPrerequisiteError } from './errors.ts'
import { KUBERNETES_VERSION, REPO_ROOT } from './layout.ts'
import { run, tail } from './run.ts'

/** The built cluster programs, in `.tools/k8s/<key>/`: the key is a hash of their sources and go.sum files. */
export interface Binaries {
  dir: string
  /** Multi-call: etcd, kube-apiserver, …, kubectl, plus the `pki` and `oci` helpers. */
  k8s: string
  dns: string
  pause: string
}

const SOURCE_DIR = join(REPO_ROOT, 'cluster')

export function binaries(): Binaries {
  const dir = join(REPO_ROOT, '.tools', 'k8s', sourceKey())
  return { dir, k8s: join(dir, 'zdd-k8s'), dns: join(dir, 'zdd-dns'), pause: join(dir, 'pause') }
}

/** Builds what is missing (a first build of Kubernetes takes many minutes; later ones reuse it). */
export async function ensureBinaries(log: (line: string) => void): Promise<Binaries> {
  const bins = binaries()
  mkdirSync(bins.dir, { recursive: true })
  if (!existsSync(bins.pause)) {
    await requireCommand('gcc', 'gcc (with libc6-dev)', 'apt-get install -y gcc libc6-dev')
    log('building the pod sandbox (pause) program')
    await build(
      'pause',
      'gcc',
      ['-static', '-Os', '-o', `${bins.pause}.tmp`, join(SOURCE_DIR, 'pause', 'pause.c')],
      SOURCE_DIR,
    )
    renameSync(`${bins.pause}.tmp`, bins.pause)
  }
  const ldflags = [
    '-s -w',
    `-X k8s.io/component-base/version.gitVersion=${KUBERNETES_VERSION}`,
    `-X k8s.io/component-base/version.gitMajor=1`,
    `-X k8s.io/component-base/version.gitMinor=${KUBERNETES_VERSION.split('.')[1]}`,
    `-X k8s.io/client-go/pkg/version.gitVersion=${KUBERNETES_VERSION}`,
  ].join(' ')
  for (const [file, cwd, what] of [
    [
      bins.k8s,
      SOURCE_DIR,
      `Kubernetes ${KUBERNETES_VERSION} (etcd, control plane, kubelet, kube-proxy, kubectl)`,
    ],
    [bins.dns, join(SOURCE_DIR, 'dns'), 'CoreDNS'],
  ] as const) {
    if (existsSync(file)) continue
    await requireCommand('go', 'Go ≥ 1.24', 'apt-get install -y golang (or a Go toolchain from go.dev)')
    log(`building ${what} from Go modules; the first build takes a while`)
    const started = Date.now()
    await build(what, 'go', ['build', '-trimpath', `-ldflags=${ldflags}`, '-o', `${file}.tmp`, '.'], cwd)
    renameSync(`${file}.tmp`, file)
    log(`built ${what} in ${Math.round((Date.now() - started) / 1000)} s`)
  }
  pruneOldBuilds(bins.dir)
  return bins
}

/** The link farm put on PATH by `zdd cluster env`: kubectl of the pinned release. */
export function linkTools(bins: Binaries, binDir: string): void {
  mkdirSync(binDir, { recursive: true })
  const link = join(binDir, 'kubectl')
  rmSync(link, { force: true })
  symlinkSync(bins.k8s, link)
}

function sourceKey(): string {
  const hash = createHash('sha256')
  for (const dir of [SOURCE_DIR, join(SOURCE_DIR, 'dns'), join(SOURCE_DIR, 'pause')]) {
    for (const name of readdirSync(dir).sort()) {
      if (/\.(go|c)$|^go\.(mod|sum)$/.test(name)) hash.update(name).update(readFileSync(join(dir, name)))
    }
  }
  return hash.digest('hex').slice(0, 16)
}

async function build(what: string, command: string, args: string[], cwd: string): Promise<void> {
  const result = await run(command, args, { cwd, check: false })
  if (result.code !== 0) throw new BuildError(what, result.code, tail(result.stderr + result.stdout, 30))
}

async function requireCommand(command: string, what: string, install: string): Promise<void> {
  const found = await run('sh', ['-c', `command -v ${command}`], { check: false })
  if (found.code !== 0) throw new MissingPrerequisiteError(what, install)
}

/** Older builds (other keys) are removed once a new one exists: each is a few hundred MB. */
function pruneOldBuilds(current: string): void {
  const parent = join(current, '..')
  for (const name of readdirSync(parent)) {
    const dir = join(parent, name)
    if (dir !== current && /^[0-9a-f]{16}$/.test(name)) rmSync(dir, { recursive: true, force: true })
  }
}
