// What the Dockerfile must say, read from the file itself (lib/dockerfile.ts): the pins, the recipe steps
// recipe.test.ts runs, how the runtime image starts (exec form, tini, no npm start),
// who it runs as, what it keeps out; plus the build context (.dockerignore) and the image names
// scripts/images.sh gives, against k8s/base.
//
// Longer than the ~250 lines the style guide asks: one test file per artefact (the Dockerfile), its checks
// side by side.
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'node:test'
import { LifecycleEnv } from '@zdd/lifecycle'
import { parse } from 'yaml'
import { dockerignorePatterns, ignored, ROOT } from './lib/context.ts'
import {
  execForm,
  only,
  parseEnv,
  readDockerfile,
  type Stage,
  splitArg,
  substitute,
} from './lib/dockerfile.ts'

const file = readDockerfile()
const [runtime] = file.stages.slice(-1)
const stageNames = new Set(file.stages.map((s) => s.name))
const SERVICES = readdirSync(join(ROOT, 'services')).filter((name) =>
  existsSync(join(ROOT, 'services', name, 'package.json')),
)

/** Every ARG default in the file, global or per stage (each name declared with one default). */
function argDefault(name: string): string | undefined {
  const defaults = new Set<string>()
  if (file.globalArgs.get(name) !== undefined) defaults.add(file.globalArgs.get(name)!)
  for (const instruction of file.all) {
    if (instruction.keyword !== 'ARG') continue
    const [arg, value] = splitArg(instruction.args)
    if (arg === name && value !== undefined) defaults.add(value)
  }
  assert.ok(defaults.size <= 1, `ARG ${name} has one default, not ${[...defaults].join(', ')}`)
  return [...defaults][0]
}

function runs(s: Stage): string[] {
  return s.instructions.filter((i) => i.keyword === 'RUN').map((i) => i.args)
}

test('versions: Node, pnpm and turbo defaults equal the repo pins', () => {
  const node = readFileSync(join(ROOT, '.node-version'), 'utf8').trim()
  const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { packageManager: string }
  const workspace = parse(readFileSync(join(ROOT, 'pnpm-workspace.yaml'), 'utf8')) as {
    catalog: Record<string, string>
  }
  assert.equal(argDefault('NODE_VERSION'), node, 'NODE_VERSION = .node-version')
  assert.equal(`pnpm@${argDefault('PNPM_VERSION')}`, manifest.packageManager, 'PNPM_VERSION = packageManager')
  assert.equal(argDefault('TURBO_VERSION'), workspace.catalog.turbo, 'TURBO_VERSION = the catalog: turbo')

  const bases = file.stages.filter((s) => !stageNames.has(s.from)).map((s) => `${s.name}: ${s.from}`)
  for (const base of bases) {
    assert.match(
      base,
      new RegExp(`: node:${node.replaceAll('.', '\\.')}-bookworm-slim$`),
      'every base is the pinned Node',
    )
  }
  const tools = file.stages.find((s) => runs(s).some((r) => r.includes('npm install --global')))
  assert.ok(tools, 'a stage installs the build tools')
  const install = runs(tools).join(' ')
  assert.match(install, /pnpm@\$\{PNPM_VERSION\}/)
  assert.match(install, /turbo@\$\{TURBO_VERSION\}/)
})

test('recipe: prune, frozen-lockfile install, build, deploy --prod, in cache-friendly order', () => {
  // ${SERVICE} reads as <service>: the steps are the same for every service.
  const placeholder = new Map([['SERVICE', '<service>']])
  const all = file.stages.flatMap((s) =>
    s.instructions.map((i) => ({ stage: s.name, text: substitute(`${i.keyword} ${i.args}`, placeholder) })),
  )
  const at = (text: string) => {
    const index = all.findIndex((i) => i.text === text)
    assert.ok(index >= 0, `the Dockerfile has "${text}"`)
    return index
  }
  const prune = at('RUN turbo prune @zdd/<service> --docker')
  const manifests = at('COPY --from=prune /repo/out/json/ ./')
  const lockfile = at('COPY --from=prune /repo/out/pnpm-lock.yaml ./')
  const install = at('RUN pnpm install --frozen-lockfile')
  const sources = at('COPY --from=prune /repo/out/full/ ./')
  const build = at('RUN turbo run build --filter=@zdd/<service>')
  const deploy = at('RUN pnpm deploy --prod --filter=@zdd/<service> /prod/<service>')
  assert.ok(
    prune < manifests && manifests < install && lockfile < install,
    'manifests and lockfile before install',
  )
  assert.ok(install < sources, 'sources after the install: a source change reuses the installed layer')
  assert.ok(sources < build && build < deploy)
  assert.equal(all[deploy]!.stage, all[install]!.stage, 'install, build and deploy share one stage')
})

test('runtime: exec-form tini + node, non-root numeric USER, HOST=0.0.0.0, the service ports', () => {
  assert.ok(
    runtime && !stageNames.has(runtime.from),
    'the last stage starts from a clean base image, not a build stage',
  )
  assert.equal(runtime.name, 'runtime')

  const entrypoint = only(runtime, 'ENTRYPOINT')
  const cmd = only(runtime, 'CMD')
  assert.deepEqual(
    execForm(entrypoint?.args ?? ''),
    ['/usr/bin/tini', '--'],
    'exec-form ENTRYPOINT with tini',
  )
  assert.deepEqual(
    execForm(cmd?.args ?? ''),
    ['node', 'dist/main.js'],
    'exec-form CMD: node itself, no npm/pnpm',
  )
  for (const instruction of file.all.filter((i) => i.keyword === 'CMD' || i.keyword === 'ENTRYPOINT')) {
    assert.ok(
      execForm(instruction.args),
      `line ${instruction.line}: shell-form ${instruction.keyword} wraps node in sh`,
    )
  }
  for (const instruction of file.all) {
    assert.doesNotMatch(instruction.args, /\b(npm|pnpm|yarn)\s+(run\s+)?start\b/, `line ${instruction.line}`)
  }
  assert.ok(
    runs(runtime).some((r) => /apt-get install\b.*\btini\b/.test(r)),
    'the runtime stage installs tini (Debian package: /usr/bin/tini)',
  )
  // CMD runs what every service exports as its entry point.
  for (const service of SERVICES) {
    const manifest = JSON.parse(readFileSync(join(ROOT, 'services', service, 'package.json'), 'utf8')) as {
      exports?: Record<string, unknown>
    }
    assert.equal(
      manifest.exports?.['./main'],
      './dist/main.js',
      `@zdd/${service} exports ./main as dist/main.js`,
    )
  }

  const user = only(runtime, 'USER')?.args ?? ''
  const match = /^(\d+):(\d+)$/.exec(user)
  assert.ok(match, `USER is numeric uid:gid so runAsNonRoot can verify it (got "${user}")`)
  assert.notEqual(match[1], '0', 'USER is not root')
  const hardening = readFileSync(join(ROOT, 'k8s/components/hardening/kustomization.yaml'), 'utf8')
  assert.equal(/runAsUser: (\d+)/.exec(hardening)?.[1], match[1], 'USER uid = the hardening runAsUser')
  assert.equal(/runAsGroup: (\d+)/.exec(hardening)?.[1], match[2], 'USER gid = the hardening runAsGroup')
  const lastUser = runtime.instructions.findLastIndex((i) => i.keyword === 'USER')
  assert.ok(
    runtime.instructions.slice(lastUser).every((i) => i.keyword !== 'RUN'),
    'nothing runs as root after USER',
  )

  const env = new Map(
    runtime.instructions.filter((i) => i.keyword === 'ENV').flatMap((i) => [...parseEnv(i)]),
  )
  assert.equal(env.get('HOST'), '0.0.0.0', 'listens on the pod IP, not only loopback')
  assert.equal(env.get('NODE_ENV'), 'production')
  const exposed = runtime.instructions
    .filter((i) => i.keyword === 'EXPOSE')
    .flatMap((i) => i.args.split(/\s+/))
  const defaults = [LifecycleEnv.properties.PORT.default, LifecycleEnv.properties.MANAGEMENT_PORT.default]
  assert.deepEqual(exposed, defaults.map(String), 'EXPOSE the PORT and MANAGEMENT_PORT defaults')
})

test('runtime: only the deployed folder, no tools, no secrets', () => {
  assert.ok(runtime)
  const copies = runtime.instructions.filter((i) => i.keyword === 'COPY')
  assert.ok(copies.length > 0)
  for (const copy of copies) {
    assert.match(
      copy.args,
      /^--from=\S+ \/prod\/\$\{SERVICE\}\/ \.\/$/,
      `line ${copy.line}: only the pnpm deploy output`,
    )
  }
  assert.match(
    runs(runtime).join(' '),
    /rm -rf [^&]*\/usr\/local\/lib\/node_modules\/npm\b/,
    'npm is removed',
  )
  for (const instruction of file.all.filter((i) => i.keyword === 'ARG' || i.keyword === 'ENV')) {
    const names =
      instruction.keyword === 'ARG' ? [splitArg(instruction.args)[0]] : [...parseEnv(instruction).keys()]
    for (const name of names) {
      assert.doesNotMatch(
        name,
        /TOKEN|SECRET|PASSWORD|PASSWD|AUTH|CREDENTIAL|_KEY$/i,
        `line ${instruction.line}: ${name}`,
      )
    }
  }
  for (const copy of file.all.filter((i) => i.keyword === 'COPY')) {
    assert.doesNotMatch(copy.args, /\.npmrc|\.env\b|id_rsa|\.pem\b/, `line ${copy.line}`)
  }
})

test('.dockerignore: sources in; installs, builds, caches, tests and credentials out', () => {
  const patterns = dockerignorePatterns()
  for (const path of [
    'node_modules',
    'services/catalog/node_modules',
    'packages/lifecycle/dist',
    'packages/lifecycle/tsconfig.build.tsbuildinfo',
    '.tools',
    '.turbo',
    'packages/lifecycle/.turbo',
    '.git',
    'out',
    'test/k8s/fixtures',
    'services/catalog/test',
    'packages/lifecycle/test',
    '.npmrc',
    '.env',
    'services/catalog/.env.local',
  ]) {
    assert.ok(ignored(path, patterns), `${path} is kept out of the build context`)
  }
  for (const path of [
    'package.json',
    'pnpm-lock.yaml',
    'pnpm-workspace.yaml',
    'turbo.json',
    'tsconfig.base.json',
    'packages/lifecycle/package.json',
    'packages/lifecycle/tsconfig.build.json',
    'packages/lifecycle/src/index.ts',
    'services/catalog/src/main.ts',
  ]) {
    assert.ok(!ignored(path, patterns), `${path} is in the build context`)
  }
})

test('scripts/images.sh: zdd/<service>:<tag> for every service, as k8s/base names them', () => {
  const dryRun = (...args: string[]) => {
    const result = spawnSync(join(ROOT, 'scripts/images.sh'), ['--dry-run', ...args], { encoding: 'utf8' })
    assert.equal(result.status, 0, result.stderr)
    return result.stderr.trim().split('\n')
  }
  assert.deepEqual(
    dryRun(),
    SERVICES.map((s) => `+ docker build -t zdd/${s}:v1 --build-arg SERVICE=${s} .`),
  )
  assert.deepEqual(
    dryRun('--minikube', '--tag', 'v1', '--tag', 'v2'),
    SERVICES.flatMap((s) => [
      `+ minikube image build -t zdd/${s}:v1 --build-opt=build-arg=SERVICE=${s} .`,
      `+ minikube image tag zdd/${s}:v1 zdd/${s}:v2`,
    ]),
  )
  for (const service of SERVICES) {
    const base = join(ROOT, 'k8s/base', service, 'deployment.yaml')
    if (!existsSync(base)) continue
    assert.match(
      readFileSync(base, 'utf8'),
      new RegExp(`image: zdd/${service}:v1\\n`),
      `${base} uses zdd/${service}:v1`,
    )
  }
  const rejected = spawnSync(join(ROOT, 'scripts/images.sh'), ['--dry-run', '--tag', 'latest'], {
    encoding: 'utf8',
  })
  assert.equal(rejected.status, 1)
  assert.match(rejected.stderr, /no :latest/)
})

test('k8s READMEs build images with scripts/images.sh', () => {
  const readmes = [
    join(ROOT, 'k8s/README.md'),
    ...readdirSync(join(ROOT, 'k8s/overlays')).map((o) => join(ROOT, 'k8s/overlays', o, 'README.md')),
  ]
  for (const readme of readmes.filter((r) => existsSync(r))) {
    for (const line of readFileSync(readme, 'utf8').split('\n')) {
      assert.doesNotMatch(
        line,
        /^\s*(minikube image build|docker build)\b/,
        `${readme}: use scripts/images.sh`,
      )
    }
  }
})
