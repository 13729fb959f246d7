// Dependencies point one way: services → packages, tools → packages. No package depends on a service or
// imports one, and installing the CLI never pulls in a service's server (unleash-server).
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { globSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'node:test'

const ROOT = new URL('../../', import.meta.url).pathname
const read = (file: string) => readFileSync(join(ROOT, file), 'utf8')
const manifest = (dir: string) =>
  JSON.parse(read(`${dir}/package.json`)) as {
    name: string
    dependencies?: Record<string, string>
    devDependencies?: Record<string, string>
  }
const PACKAGES = globSync('packages/*/package.json', { cwd: ROOT }).map((file) =>
  file.replace('/package.json', ''),
)
const SERVICES = globSync('services/*/package.json', { cwd: ROOT }).map(
  (file) => manifest(file.replace('/package.json', '')).name,
)

test('no package lists a service among its dependencies', () => {
  assert.ok(SERVICES.includes('@zdd/unleash') && SERVICES.includes('@zdd/gateway'), 'the services were found')
  const crossing = PACKAGES.flatMap((dir) => {
    const { dependencies = {}, devDependencies = {} } = manifest(dir)
    return Object.keys({ ...dependencies, ...devDependencies })
      .filter((name) => SERVICES.includes(name))
      .map((name) => `${dir} → ${name}`)
  })
  assert.deepEqual(crossing, [])
})

test('no source file of a package imports a service, by name or by path', () => {
  const names = SERVICES.map((name) => name.replace('/', '\\/')).join('|')
  const pattern = new RegExp(`from '(?:${names})(?:/[^']*)?'|from '[./]*services/|import\\('(?:${names})`)
  const files = globSync('packages/*/src/**/*.ts', { cwd: ROOT })
  assert.ok(files.length > 50, `the package sources were found (${files.length})`)
  const crossing = files.filter((file) => pattern.test(read(file)))
  assert.deepEqual(crossing, [])
  // The pattern does catch such an import: the control.
  assert.ok(
    pattern.test("import { x } from '@zdd/gateway'") &&
      pattern.test("import { y } from '../../services/unleash/src/a.ts'"),
  )
})

test('pnpm why unleash-server finds nothing from the CLI, and finds it from the Unleash service', () => {
  const why = (pkg: string) => {
    const run = spawnSync('pnpm', ['--filter', pkg, 'why', 'unleash-server'], { cwd: ROOT, encoding: 'utf8' })
    assert.equal(run.status, 0, run.stderr)
    return run.stdout.trim()
  }
  assert.match(why('@zdd/unleash'), /unleash-server@/, 'the control: the service that runs it')
  assert.equal(why('@zdd/cli'), '')
})
