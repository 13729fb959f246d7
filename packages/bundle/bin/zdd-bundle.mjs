#!/usr/bin/env node
// `zdd-bundle [entry]` (a service's build script, after tsc): bundles the entry tsc emitted (dist/main.js)
// with everything it imports — workspace packages and node_modules alike — into that same file. Why: a
// service start spent most of its time resolving and compiling a few hundred small module files, and their
// module records stayed in memory (bench/RESULTS.md, start-up and memory). One file loads in a fraction of
// that. Not minified: stack traces stay readable, and each part is headed by the path it came from.
//
// The rest of dist/ stays as tsc emitted it (what tests and other packages import); only the entry the
// image and `zdd up` run changes. Files a package reads at run time are found through its package name
// (import.meta.resolve), never relative to its own module, so they resolve from the bundle as well.
import { readFileSync, rmSync } from 'node:fs'
import { build } from 'esbuild'

const MARKER = '// zdd-bundle: one file'
const entry = process.argv[2] ?? 'dist/main.js'

let source
try {
  source = readFileSync(entry, 'utf8')
} catch (err) {
  process.stderr.write(`zdd-bundle: cannot read ${entry} (${err.code}): run tsc first\n`)
  process.exit(1)
}
if (source.startsWith(MARKER)) {
  process.stderr.write(`zdd-bundle: ${entry} is a bundle already: run tsc first, which emits it afresh\n`)
  process.exit(1)
}

const result = await build({
  entryPoints: [entry],
  outfile: entry,
  allowOverwrite: true,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node24',
  // CommonJS dependencies call require() for Node's built-ins; an ES module has none of its own.
  banner: {
    js: `${MARKER}\nimport { createRequire as __zddCreateRequire } from 'node:module';\nconst require = __zddCreateRequire(import.meta.url);`,
  },
  legalComments: 'none',
  logLevel: 'warning',
  metafile: true,
})
// tsc's source map describes the file that is gone.
rmSync(`${entry}.map`, { force: true })
const inputs = Object.keys(result.metafile.inputs).length
const bytes = Object.values(result.metafile.outputs)[0]?.bytes ?? 0
process.stdout.write(`zdd-bundle: ${entry} ← ${inputs} modules, ${(bytes / 2 ** 20).toFixed(1)} MiB\n`)
