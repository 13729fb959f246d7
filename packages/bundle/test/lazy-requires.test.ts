// zdd-bundle's stand-ins for modules that are required at load but used only on some paths: the module runs
// on its first use, not when its importer loads, and behaves as itself when it does. A fixture of fake
// packages under the names the bundler defers, beside one it does not (the control).
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { test } from 'node:test'
import { promisify } from 'node:util'

const run = promisify(execFile)
const BUNDLER = join(import.meta.dirname, '..', 'bin', 'zdd-bundle.mjs')

// Each fake module records that it ran; the importers require them at load, as the real importers do.
const FILES: Record<string, string> = {
  'node_modules/semver/index.js': `globalThis.ran.push('semver'); exports.gt = (a, b) => a > b`,
  'node_modules/ip-address/index.js': `globalThis.ran.push('ip-address')
    exports.Address4 = class Address4 { constructor(text) { this.parts = text.split('.').map(Number) } }`,
  'node_modules/undici/lib/dispatcher/client-h2.js': `globalThis.ran.push('client-h2')
    module.exports = function connectH2(kind) { return 'h2:' + kind }`,
  'node_modules/undici/lib/dispatcher/client.js': `const connectH2 = require('./client-h2.js')
    exports.connect = (alpn) => (alpn === 'h2' ? connectH2('tls') : 'h1')`,
  'node_modules/plain/index.js': `globalThis.ran.push('plain'); exports.value = 42`,
  'node_modules/user/index.js': `const semver = require('semver')
    const ip = require('ip-address')
    const plain = require('plain')
    exports.newer = (a, b) => semver.gt(a, b)
    exports.parse = (text) => new ip.Address4(text).parts
    exports.plain = () => plain.value
    exports.hasGt = () => 'gt' in semver`,
  'setup.js': 'globalThis.ran = []',
  'main.js': `import './setup.js'
    import * as user from 'user'
    import * as client from 'undici/lib/dispatcher/client.js'
    const atLoad = [...globalThis.ran]
    const results = {
      plain: user.plain(),
      h1: client.connect('http/1.1'),
      afterH1: [...globalThis.ran],
      newer: user.newer(2, 1),
      hasGt: user.hasGt(),
      parts: user.parse('10.0.0.7'),
      h2: client.connect('h2'),
    }
    process.stdout.write(JSON.stringify({ atLoad, results, atEnd: globalThis.ran }))`,
}

function fixture(): string {
  const dir = mkdtempSync(join(tmpdir(), 'zdd-bundle-lazy-'))
  for (const [file, text] of Object.entries(FILES)) {
    mkdirSync(dirname(join(dir, file)), { recursive: true })
    writeFileSync(join(dir, file), text)
    // Each fake package is CommonJS, as the real ones are (the fixture's own files are ES modules).
    const [top, name] = file.split('/')
    if (top === 'node_modules') writeFileSync(join(dir, top, name as string, 'package.json'), '{}')
  }
  writeFileSync(join(dir, 'package.json'), '{"type":"module"}')
  return dir
}

async function runMain(dir: string): Promise<{ atLoad: string[]; results: object; atEnd: string[] }> {
  const { stdout } = await run(process.execPath, [join(dir, 'main.js')], { cwd: dir })
  return JSON.parse(stdout)
}

test('deferred modules run on first use and answer as themselves; others run when required', async (t) => {
  const dir = fixture()
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  const unbundled = await runMain(dir)
  await run(process.execPath, [BUNDLER, 'main.js'], { cwd: dir })
  const bundle = readFileSync(join(dir, 'main.js'), 'utf8')
  assert.match(bundle, /^\/\/ zdd-bundle: one file/)
  // The same sources bundle the same in any checkout (the image build compares two builds' files).
  assert.ok(!bundle.includes(dir), `the bundle names ${dir}: an absolute path`)
  const bundled = await runMain(dir)

  // The control: unbundled, every module runs when its importer requires it.
  assert.deepEqual(unbundled.atLoad, ['semver', 'ip-address', 'plain', 'client-h2'])
  // Bundled, only the module that is not deferred does; the others wait for their first use, in order.
  assert.deepEqual(bundled.atLoad, ['plain'])
  assert.deepEqual(bundled.atEnd, ['plain', 'semver', 'ip-address', 'client-h2'])
  assert.deepEqual(
    (bundled.results as { afterH1: string[] }).afterH1,
    ['plain'],
    'HTTP/1.1 never touches the HTTP/2 half',
  )
  // A property read, `in`, `new` and a call through the stand-in answer as the module itself would.
  const { afterH1: _bundledOrder, ...bundledResults } = bundled.results as Record<string, unknown>
  const { afterH1: _unbundledOrder, ...unbundledResults } = unbundled.results as Record<string, unknown>
  assert.deepEqual(bundledResults, unbundledResults)
  assert.deepEqual(bundledResults, {
    plain: 42,
    h1: 'h1',
    newer: true,
    hasGt: true,
    parts: [10, 0, 0, 7],
    h2: 'h2:tls',
  })
})
