// The packages other teams adopt, as they would get them: packed with `pnpm pack`, installed in a fresh
// project outside the workspace from the npm registry alone, used as plain Fastify plugins on an app of
// their own, and taken through a SIGTERM drain. Plus the release recipe's one rule CI can check: each
// changelog starts with its package's version.
import assert from 'node:assert/strict'
import { spawn, spawnSync } from 'node:child_process'
import { once } from 'node:events'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, test } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { freePorts, get, request, waitFor } from '@zdd/test-support'

const ROOT = new URL('../../', import.meta.url).pathname
const PUBLISHED = ['packages/lifecycle', 'packages/flags'] as const

interface Manifest {
  name: string
  version: string
  private?: boolean
  dependencies?: Record<string, string>
  peerDependencies?: Record<string, string>
}
const manifest = (dir: string) =>
  JSON.parse(readFileSync(join(ROOT, dir, 'package.json'), 'utf8')) as Manifest

function run(command: string, args: string[], cwd: string): string {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', timeout: 300_000 })
  assert.equal(
    result.status,
    0,
    `${command} ${args.join(' ')} in ${cwd}:\n${result.stdout}\n${result.stderr}`,
  )
  return result.stdout
}

test('each publishable package: public, fastify as a peer, its changelog opening with its version', () => {
  for (const dir of PUBLISHED) {
    const pkg = manifest(dir)
    assert.notEqual(pkg.private, true, `${pkg.name} must not be private`)
    assert.ok(pkg.peerDependencies?.fastify, `${pkg.name}: fastify is a peer dependency`)
    assert.equal(pkg.dependencies?.fastify, undefined, `${pkg.name}: fastify is not a dependency`)
    const changelog = readFileSync(join(ROOT, dir, 'CHANGELOG.md'), 'utf8')
    const first = changelog.match(/^## (\S+)/m)?.[1]
    assert.equal(first, pkg.version, `${dir}/CHANGELOG.md must open with ## ${pkg.version}`)
  }
})

test('packed and installed outside the workspace: a Fastify app of its own drains on SIGTERM', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'zdd-adopter-'))
  after(() => rmSync(dir, { recursive: true, force: true }))
  const tarballs = Object.fromEntries(
    PUBLISHED.map((pkgDir) => {
      const out = run('pnpm', ['pack', '--pack-destination', dir], join(ROOT, pkgDir)).trim().split('\n')
      const file = out.at(-1) as string
      return [manifest(pkgDir).name, file]
    }),
  ) as Record<string, string>
  for (const [name, file] of Object.entries(tarballs)) {
    const files = run('tar', ['tzf', file], dir).split('\n')
    t.diagnostic(`${name}: ${files.filter(Boolean).length} files in ${file.split('/').at(-1)}`)
    assert.ok(files.includes('package/dist/index.js') && files.includes('package/dist/index.d.ts'), name)
    assert.ok(files.includes('package/README.md'), name)
    assert.ok(!files.some((f) => f.startsWith('package/src/') || f.startsWith('package/test/')), name)
    const packed = JSON.parse(run('tar', ['xzOf', file, 'package/package.json'], dir)) as Manifest
    assert.ok(
      !Object.values(packed.dependencies ?? {}).some((range) => range.startsWith('workspace:')),
      `${name}: workspace: ranges are replaced by versions in the tarball`,
    )
  }

  const app = join(dir, 'app')
  run('mkdir', ['-p', app], dir)
  const local = (name: string) => `file:${tarballs[name]}`
  writeFileSync(
    join(app, 'package.json'),
    JSON.stringify({
      name: 'adopter',
      private: true,
      type: 'module',
      dependencies: {
        '@zdd/lifecycle': local('@zdd/lifecycle'),
        '@zdd/flags': local('@zdd/flags'),
        fastify: '^5.0.0',
      },
    }),
  )
  // @zdd/flags asks for @zdd/lifecycle by version: the tarball here stands in for the registry's.
  writeFileSync(
    join(app, 'pnpm-workspace.yaml'),
    `overrides:\n  '@zdd/lifecycle': '${local('@zdd/lifecycle')}'\n`,
  )
  writeFileSync(join(app, 'app.mjs'), ADOPTER_APP)
  run('pnpm', ['install', '--ignore-scripts'], app)

  const [port = 0, managementPort = 0] = await freePorts(2)
  const child = spawn(process.execPath, ['app.mjs'], {
    cwd: app,
    env: {
      PATH: process.env.PATH,
      PORT: String(port),
      MANAGEMENT_PORT: String(managementPort),
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stdout.on('data', (chunk) => (output += chunk))
  child.stderr.on('data', (chunk) => (output += chunk))
  const exited = once(child, 'exit')
  after(() => child.kill('SIGKILL'))

  await waitFor('/readyz 200 from the adopter app', async () =>
    (await get(managementPort, '/readyz')).status === 200 ? true : undefined,
  ).catch((err) => assert.fail(`${err.message}\n${output}`))
  const answer = await request(port, '/discount', 'GET', { headers: { 'x-zdd-user': 'user-42' } })
  assert.equal(answer.status, 200)
  assert.match(String(answer.headers['x-served-by']), /^adopter@/, 'the lifecycle names who served it')
  const decided = JSON.parse(answer.body) as { discount: unknown; variant: unknown }
  assert.equal(typeof decided.discount, 'boolean')
  assert.ok(['a', 'b'].includes(String(decided.variant)), `a user's A/B variant: ${answer.body}`)

  const slow = get(port, '/slow?ms=1500')
  await sleep(200)
  child.kill('SIGTERM')
  await waitFor('/readyz 503 after SIGTERM', async () =>
    (await get(managementPort, '/readyz')).status === 503 ? true : undefined,
  ).catch((err) => assert.fail(`${err.message}\n${output}`))
  const during = await get(port, '/discount')
  assert.equal(during.status, 200, 'a new connection during the drain is served')
  assert.equal(during.headers.connection, 'close')
  const inFlight = await slow
  assert.equal(inFlight.status, 200, 'the request in flight at SIGTERM finished')
  const [code] = await exited
  assert.equal(code, 0, output)
})

const ADOPTER_APP = `
import Fastify from 'fastify'
import { lifecyclePlugin } from '@zdd/lifecycle'
import { DEMO_FLAGS_FILE, FlagClient, flagsPlugin } from '@zdd/flags'

const app = Fastify({ logger: { level: process.env.LOG_LEVEL ?? 'info' }, return503OnClosing: false })
await app.register(lifecyclePlugin, { name: 'adopter' })
const client = new FlagClient({ appName: 'adopter', environment: 'development', file: DEMO_FLAGS_FILE, refreshMs: 15000, log: app.log })
app.lifecycle.addStartupCheck('flags', () => client.start())
app.lifecycle.onShutdown('flags', () => client.close())
await app.register(flagsPlugin, { client, appName: 'adopter', environment: 'development' })
app.get('/discount', async (request) => ({
  discount: request.flags.isEnabled('catalog-discount'),
  variant: request.flags.variant('recommendations-ab').name,
}))
app.get('/slow', async (request) => {
  await new Promise((resolve) => setTimeout(resolve, Number(request.query.ms)))
  return { slept: Number(request.query.ms) }
})
await app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' })
`
