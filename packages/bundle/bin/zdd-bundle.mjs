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
import { basename, dirname, join, relative, resolve } from 'node:path'
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

// CommonJS modules that their importers require at load but call only on some paths: each importer gets a
// stand-in whose first use (a property read, a call, `new`) loads the module. What this saves a gateway
// start (bench/RESULTS.md, start-up): the Unleash SDK's strategies require a regular-expression engine
// (re2js, for the REGEX constraint operator) and an IP-address parser (ip-address, for the remote-address
// strategy and the IN_CIDR operator); undici's client requires its HTTP/2 half (and with it node:http2),
// used only when TLS negotiates h2; prom-client requires the OpenTelemetry API for exemplars, which the
// services do not enable; Fastify requires semver to check a plugin's `fastify` version range, which no
// plugin of ours declares (the peer dependencies do). Only `require()` calls are redirected: an ES `import` of these gets the
// module itself, as do the modules' own files. A module belongs here only if no importer reads its
// exports at load (a destructuring `const { x } = require(...)` would load it there and then, which is
// harmless but saves nothing) and none enumerates them.
const LAZY = [
  { request: 're2js', resolved: /\/node_modules\/re2js\// },
  { request: 'ip-address', resolved: /\/node_modules\/ip-address\// },
  { request: '@opentelemetry/api', resolved: /\/node_modules\/@opentelemetry\/api\// },
  { request: 'semver', resolved: /\/node_modules\/semver\// },
  { request: './client-h2.js', resolved: /\/node_modules\/undici\/lib\/dispatcher\/client-h2\.js$/ },
]
const LAZY_FILTER = new RegExp(`^(${LAZY.map(({ request }) => request.replace(/[./]/g, '\\$&')).join('|')})$`)
const RESOLVING = Symbol('zdd-lazy: resolving the module itself')
const lazyModule = (path) => `let loaded
const load = () => (loaded ??= require(${JSON.stringify(path)}))
module.exports = new Proxy(function lazyModule() {}, {
  get: (_, key) => load()[key],
  has: (_, key) => key in load(),
  apply: (_, self, args) => Reflect.apply(load(), self, args),
  construct: (_, args) => Reflect.construct(load(), args),
})
`
const lazyRequires = {
  name: 'lazy-requires',
  setup(build) {
    build.onResolve({ filter: LAZY_FILTER }, async (args) => {
      // The stand-in's own require() of the module resolves as usual.
      if (args.kind !== 'require-call' || args.pluginData === RESOLVING || args.namespace === 'zdd-lazy') {
        return undefined
      }
      const own = await build.resolve(args.path, {
        kind: args.kind,
        importer: args.importer,
        resolveDir: args.resolveDir,
        pluginData: RESOLVING,
      })
      const lazy = LAZY.find(({ request }) => request === args.path)
      if (own.errors.length > 0 || !lazy?.resolved.test(own.path)) return undefined
      // Relative to the build's folder, as esbuild names every other module: the path is written into the
      // bundle, and an absolute one would make the same sources bundle differently in another checkout.
      return { path: relative(process.cwd(), own.path), namespace: 'zdd-lazy' }
    })
    build.onLoad({ filter: /.*/, namespace: 'zdd-lazy' }, (args) => {
      const file = resolve(args.path)
      return { contents: lazyModule(`./${basename(file)}`), loader: 'js', resolveDir: dirname(file) }
    })
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
  plugins: [builtinsByRequire, lazyRequires],
})
// tsc's source map describes the file that is gone.
rmSync(`${entry}.map`, { force: true })
const inputs = Object.keys(result.metafile.inputs).length
const outputs = Object.entries(result.metafile.outputs)
const mib = (bytes) => `${(bytes / 2 ** 20).toFixed(1)} MiB`
const inChunks = (path) => path.startsWith(`${CHUNKS}/`)
const main = outputs.find(([path]) => !inChunks(path))?.[1].bytes ?? 0
const lazy = outputs.filter(([path]) => inChunks(path)).reduce((sum, [, out]) => sum + out.bytes, 0)
process.stdout.write(
  `zdd-bundle: ${entry} ← ${inputs} modules, ${mib(main)}${lazy ? ` (+ ${mib(lazy)} loaded on demand, in chunks/)` : ''}\n`,
)
