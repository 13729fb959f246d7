// The built services (the test command builds first): what a start reads, and what it leaves for later.
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'

const ROOT = join(import.meta.dirname, '..', '..', '..')
const SERVICES = ['catalog', 'gateway', 'recommendations']

/** The bundle and every chunk it imports statically, transitively: what a start reads and compiles. */
function readAtStart(dist: string): Map<string, string> {
  const files = new Map<string, string>()
  const visit = (file: string) => {
    if (files.has(file)) return
    const text = readFileSync(join(dist, file), 'utf8')
    files.set(file, text)
    for (const [, spec] of text.matchAll(/^import\s[^;]*?from\s+"\.\/(?:\.\.\/)?([^"]+)";?$/gms)) {
      visit(file.startsWith('chunks/') ? join('chunks', spec as string) : (spec as string))
    }
  }
  visit('service.js')
  return files
}

for (const service of SERVICES) {
  test(`${service}: the Unleash SDK's client is a chunk of its own, outside what a start reads`, () => {
    const dist = join(ROOT, 'services', service, 'dist')
    const chunks = readdirSync(join(dist, 'chunks'))
    const lazy = chunks.filter((name) => name.startsWith('unleash-'))
    assert.equal(lazy.length, 1, `one unleash-*.js in ${dist}/chunks: ${chunks.join(', ')}`)
    const lazyText = readFileSync(join(dist, 'chunks', lazy[0] as string), 'utf8')
    assert.match(lazyText, /make-fetch-happen/, 'the chunk holds the SDK client and its HTTP stack')
    const start = readAtStart(dist)
    assert.ok(start.size >= 2, `service.js imports its shared chunk: ${[...start.keys()].join(', ')}`)
    for (const [file, text] of start) {
      assert.doesNotMatch(
        text,
        /make-fetch-happen/,
        `${file} is read at start and holds the SDK's HTTP stack`,
      )
      assert.ok(!file.includes(lazy[0] as string), `${file} is the on-demand chunk, imported statically`)
    }
  })

  test(`${service}: no built-in is imported as an ES module, except the banner's node:module`, () => {
    const dist = join(ROOT, 'services', service, 'dist')
    for (const [file, text] of readAtStart(dist)) {
      const builtins = [...text.matchAll(/^import\s[^;]*?from\s+['"](node:[^'"]+)['"]/gm)].map((m) => m[1])
      assert.deepEqual(
        builtins.filter((name) => name !== 'node:module'),
        [],
        `${file} imports built-ins as ES modules`,
      )
    }
  })
}

/** Every file under `dir`, relative to it. */
function filesUnder(dir: string): string[] {
  return (readdirSync(dir, { recursive: true }) as string[]).filter((f) => statSync(join(dir, f)).isFile())
}

test('the entry is a launcher: the compile cache made at build holds the bundle and its static chunks', () => {
  const dist = join(ROOT, 'services', 'gateway', 'dist')
  const main = readFileSync(join(dist, 'main.js'), 'utf8')
  assert.match(main, /^\/\/ zdd-bundle: launcher/)
  assert.match(main, /enableCompileCache\(/)
  assert.match(main, /await import\('\.\/service\.js'\)/)
  const cached = filesUnder(join(dist, '.compile-cache'))
  // service.js and the chunks it imports statically; the on-demand chunk is not compiled at start.
  assert.equal(cached.length, readAtStart(dist).size, cached.join(', '))
  for (const file of cached) {
    const mode = statSync(join(dist, '.compile-cache', file)).mode & 0o777
    assert.equal(mode, 0o644, `${file} readable by the user a service runs as`)
  }
})

test('`node main.js --make-compile-cache` compiles the service without running it', (t) => {
  // A copy of the built gateway, without its cache: the launcher makes one for this user and stops. A
  // launcher that ran the service would not exit (it would serve), and the spawn would time out.
  const scratch = mkdtempSync(join(tmpdir(), 'zdd-bundle-test-'))
  t.after(() => rmSync(scratch, { recursive: true, force: true }))
  const service = join(ROOT, 'services', 'gateway')
  cpSync(join(service, 'dist'), join(scratch, 'dist'), { recursive: true })
  cpSync(join(service, 'package.json'), join(scratch, 'package.json'))
  symlinkSync(join(service, 'node_modules'), join(scratch, 'node_modules'))
  rmSync(join(scratch, 'dist', '.compile-cache'), { recursive: true })
  const run = spawnSync(process.execPath, [join(scratch, 'dist', 'main.js'), '--make-compile-cache'], {
    encoding: 'utf8',
    timeout: 60_000,
    env: { PATH: process.env.PATH ?? '', PORT: '0', MANAGEMENT_PORT: '0' },
  })
  assert.equal(
    run.signal,
    null,
    `killed by ${run.signal}: the service ran instead of compiling\n${run.stderr}`,
  )
  assert.equal(run.status, 0, run.stderr)
  assert.equal(run.stdout, '', 'nothing logged: the service never started')
  const made = filesUnder(join(scratch, 'dist', '.compile-cache'))
  assert.equal(made.length, readAtStart(join(scratch, 'dist')).size, made.join(', '))
})
