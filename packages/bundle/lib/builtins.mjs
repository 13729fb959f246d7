import { builtinModules } from 'node:module'

// Node's built-ins reach the bundle through require(), never `import`: an ES module's `import ... from
// 'node:http'` makes Node evaluate every export of node:http for the module's bindings, getters included,
// and one of them loads Node's own copy of undici (fetch, WebSocket): about 20 ms of a gateway start that
// nothing uses. A require()d built-in is read property by property, when the code uses it.
const BUILTINS = new Set(builtinModules.flatMap((name) => [name, `node:${name}`]))
export const builtinsByRequire = {
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
