import { spawn } from 'node:child_process'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { REPO_ROOT, SERVICE_ENTRIES, type ServiceName } from '../lib/services.ts'
import { median, round } from '../lib/stats.ts'

/** What a service start is made of: Node's own boot, then importing its modules, then binding and checks. */
export interface ImportCosts {
  /** spawn → exit of `node -e 0`: the process itself. */
  nodeBootMs: number
  /** Time to `import()` each module in a fresh process (medians); dependencies and each service's app module. */
  modules: Array<{ module: string; ms: number }>
}

// The heavy dependencies the services load, resolved where the packages that use them resolve them.
const DEPENDENCIES: Array<[string, string]> = [
  ['fastify', 'packages/lifecycle'],
  ['prom-client', 'packages/lifecycle'],
  ['@sinclair/typebox', 'packages/lifecycle'],
  ['unleash-client', 'packages/flags'],
  ['undici', 'services/gateway'],
]

const MEASURE =
  'const t = performance.now(); await import(process.argv[1]); process.stdout.write(String(performance.now() - t))'

function run(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] })
    let out = ''
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8')
    })
    child.once('exit', (code) =>
      code === 0 ? resolve(out) : reject(new Error(`node ${args[0]} exited ${code}`)),
    )
  })
}

async function importMs(url: string, runs: number): Promise<number> {
  const times: number[] = []
  for (let i = 0; i < runs; i += 1) times.push(Number(await run(['--input-type=module', '-e', MEASURE, url])))
  return round(median(times), 1)
}

export async function importCosts(runs: number, services: readonly ServiceName[]): Promise<ImportCosts> {
  const boots: number[] = []
  for (let i = 0; i < runs; i += 1) {
    const since = performance.now()
    await run(['-e', '0'])
    boots.push(performance.now() - since)
  }
  const modules: ImportCosts['modules'] = []
  for (const [name, from] of DEPENDENCIES) {
    const resolved = createRequire(join(REPO_ROOT, from, 'package.json')).resolve(name)
    modules.push({ module: name, ms: await importMs(pathToFileURL(resolved).href, runs) })
  }
  for (const service of services) {
    const app = join(SERVICE_ENTRIES[service], '..', 'app.js')
    modules.push({
      module: `${service} (dist/app.js, everything it loads)`,
      ms: await importMs(pathToFileURL(app).href, runs),
    })
  }
  return { nodeBootMs: round(median(boots), 1), modules }
}
