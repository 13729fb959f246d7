import { spawnSync } from 'node:child_process'
import { chmodSync, readdirSync, rmSync, statSync } from 'node:fs'
import { join } from 'node:path'

// Node's compile cache for a bundled service: V8's compiled code for the bundle and its chunks, made when
// the service is built, so that a start does not parse megabytes of JavaScript first (bench/RESULTS.md,
// start-up). The entry (dist/main.js) becomes a launcher that switches the cache on before it imports the
// bundle: a module is compiled before any of its code runs, so only an importer can switch it on in time.

/** The folder next to the entry that holds the cache. */
export const CACHE_DIR = '.compile-cache'
const COMPILE_ONLY = 'zdd-bundle.compile-only'

/**
 * The bundle's first statement: while the cache is made, the bundle is compiled and stops there, so the
 * service never starts (evaluation of a module begins only after the whole module graph is compiled).
 */
export const COMPILE_ONLY_GUARD = `if (globalThis[Symbol.for('${COMPILE_ONLY}')]) throw Object.assign(new Error('zdd-bundle: compiled, not run'), { [Symbol.for('${COMPILE_ONLY}')]: true });`

/** How the launcher is told to make the cache instead of running the service. */
export const MAKE_FLAG = '--make-compile-cache'

/**
 * dist/main.js: switches the cache on, then runs the bundle; with `--make-compile-cache`, compiles the
 * bundle into the cache for this user and stops (an image does this as the user it runs as).
 */
export function launcher(marker, bundle) {
  return `${marker}
// The service is ./${bundle} (with ./chunks/), bundled by @zdd/bundle. Node's compile cache comes first:
// ./${CACHE_DIR} holds V8's compiled code for them, made when the service was built, so a start skips
// parsing them. Node keeps one cache per Node version and user: for another, or without the folder, the
// service compiles as usual. \`node main.js ${MAKE_FLAG}\` makes it for the user who runs that.
// NODE_DISABLE_COMPILE_CACHE=1 turns it off.
import { constants, enableCompileCache, flushCompileCache } from 'node:module'
const make = process.argv.includes('${MAKE_FLAG}')
const cache = enableCompileCache({ directory: \`\${import.meta.dirname}/${CACHE_DIR}\`, portable: true })
const compileOnly = Symbol.for('${COMPILE_ONLY}')
if (make) globalThis[compileOnly] = true
try {
  await import('./${bundle}')
} catch (err) {
  if (!make || !err?.[compileOnly]) throw err
  flushCompileCache()
  const { ENABLED, ALREADY_ENABLED } = constants.compileCacheStatus
  if (cache.status !== ENABLED && cache.status !== ALREADY_ENABLED) {
    throw new Error(\`no compile cache made: \${cache.message ?? 'switched off'}\`)
  }
}
`
}

/**
 * Has the launcher `entry` compile its bundle and what that imports statically, without running it, into
 * `dist/.compile-cache` for this Node and this user; the files are made readable by everyone (the cache
 * holds only compiled public code). Returns the number of cached modules; throws with Node's words.
 */
export function makeCompileCache(dist, entry) {
  const directory = join(dist, CACHE_DIR)
  rmSync(directory, { recursive: true, force: true })
  const { NODE_COMPILE_CACHE: _cache, NODE_DISABLE_COMPILE_CACHE: _off, ...env } = process.env
  const run = spawnSync(process.execPath, [entry, MAKE_FLAG], { env, encoding: 'utf8' })
  if (run.status !== 0) throw new Error(`making the compile cache failed:\n${run.stderr.trim()}`)
  let modules = 0
  const open = (path) => {
    if (statSync(path).isDirectory()) {
      chmodSync(path, 0o755)
      for (const name of readdirSync(path)) open(join(path, name))
    } else {
      chmodSync(path, 0o644)
      modules += 1
    }
  }
  open(directory)
  return modules
}
