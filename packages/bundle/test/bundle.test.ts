// The built services (the test command builds first): what a start reads, and what it leaves for later.
import assert from 'node:assert/strict'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'node:test'

const ROOT = join(import.meta.dirname, '..', '..', '..')
const SERVICES = ['catalog', 'gateway', 'recommendations']

/** The entry and every chunk it imports statically, transitively: what a start reads and compiles. */
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
  visit('main.js')
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
    assert.ok(start.size >= 2, `main.js imports its shared chunk: ${[...start.keys()].join(', ')}`)
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
