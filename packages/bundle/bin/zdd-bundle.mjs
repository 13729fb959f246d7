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
import { builtinModules } from 'node:module'
import { basename, dirname, join } from 'node:path'
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

// Node's built-ins reach the bundle through require(), never `import`: an ES module's `import ... from
// 'node:http'` makes Node evaluate every export of node:http for the module's bindings, getters included,
// and one of them loads Node's own copy of undici (fetch, WebSocket): about 20 ms of a gateway start that
// nothing uses. A require()d built-in is read property by property, when the code uses it.
const BUILTINS = new Set(builtinModules.flatMap((name) => [name, `node:${name}`]))
const builtinsByRequire = {
  name: 'builtins-by-require',
  setup(build) {
    build.onResolve({ filter: /^[a-z_:/]+$/ }, (args) =>
      args.kind === 'import-statement' && BUILTINS.has(args.path)
        ? { path: args.path, namespace: 'zdd-builtin' }
        : undefined,
    )
    build.onLoad({ filter: /.*/, namespace: 'zdd-builtin' }, (args) => ({
      contents: `module.exports = require(${JSON.stringify(args.path)})`,
      loader: 'js',
    }))
  },
}

// Chunks of an earlier build (tsc does not clean dist/): names carry a content hash, so they would pile up.
const CHUNKS = join(dirname(entry), 'chunks')
rmSync(CHUNKS, { recursive: true, force: true })

const result = await build({
  entryPoints: [entry],
  outdir: dirname(entry),
  entryNames: basename(entry, '.js'),
  // What is only imported on demand (`await import()`, e.g. the Unleash SDK's client in server mode) goes
  // to a file of its own, so that a start never compiles it unless it is used.
  splitting: true,
  chunkNames: `${basename(CHUNKS)}/[name]-[hash]`,
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
  plugins: [builtinsByRequire],
})
// tsc's source map describes the file that is gone.
rmSync(`${entry}.map`, { force: true })
const inputs = Object.keys(result.metafile.inputs).length
const outputs = Object.entries(result.metafile.outputs)
const mib = (bytes) => `${(bytes / 2 ** 20).toFixed(1)} MiB`
const main = outputs.find(([path]) => !path.includes('/chunks/'))?.[1].bytes ?? 0
const lazy = outputs
  .filter(([path]) => path.includes('/chunks/'))
  .reduce((sum, [, out]) => sum + out.bytes, 0)
process.stdout.write(
  `zdd-bundle: ${entry} ← ${inputs} modules, ${mib(main)}${lazy ? ` (+ ${mib(lazy)} loaded on demand, in chunks/)` : ''}\n`,
)
