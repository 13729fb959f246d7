// The baseline for the bundled entries: `node bench/startup/unbundled.mjs <service>` starts a service the
// way its tsc output did before packages/bundle made dist/main.js one file — @zdd/lifecycle, then the
// service's dist/app.js, each loading its own modules from node_modules — so a run measures what bundling
// saves on the same machine at the same moment. Plain JavaScript, as the services' built output is.
import { runService } from '@zdd/lifecycle'

const DEFINITIONS = {
  catalog: ['@zdd/catalog', 'catalogService'],
  gateway: ['@zdd/gateway', 'gatewayService'],
  recommendations: ['@zdd/recommendations', 'recommendationsService'],
}
const [specifier, exportName] = DEFINITIONS[process.argv[2]] ?? []
if (!specifier) throw new Error(`usage: unbundled.mjs ${Object.keys(DEFINITIONS).join('|')}`)
const app = await import(specifier)
await runService(app[exportName])
