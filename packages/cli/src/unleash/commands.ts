import { existsSync, mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import { DEMO_FLAGS_FILE, type FlagsDocument, readFlagsFile, summarize, writeFlagsFile } from '@zdd/flags'
import {
  DEFAULT_PORT,
  downLocalUnleash,
  errors,
  exportFlags,
  type LocalUnleash,
  upLocalUnleash,
  wipeLocalUnleash,
} from '@zdd/unleash-tools'
import { type FlagSpec, intFlag, parseFlags, usage } from '../args.ts'
import { formatFlags } from '../commands/flags-file.ts'
import { localFlagsFile, serviceEntry } from '../paths.ts'
import { localServer, shortPath, unleashDir } from './local.ts'

const UP: FlagSpec = {
  port: {
    type: 'string',
    description: `Unleash port on 127.0.0.1 (kept for the next runs)`,
    default: String(DEFAULT_PORT),
  },
  fresh: { type: 'boolean', description: 'wipe the folder (database, tokens) and start over' },
  'timeout-ms': { type: 'string', description: 'how long Unleash may take to get healthy', default: '90000' },
  help: { type: 'boolean', description: 'this text' },
}
const DOWN: FlagSpec = {
  fresh: { type: 'boolean', description: 'also delete the folder (database, tokens, log)' },
  help: { type: 'boolean', description: 'this text' },
}
const EXPORT: FlagSpec = {
  file: { type: 'string', description: 'offline flags file to write', default: '.zdd/flags.json' },
  stdout: { type: 'boolean', description: 'print the document instead of writing a file' },
  help: { type: 'boolean', description: 'this text' },
}
const SPECS: Record<string, FlagSpec> = { up: UP, down: DOWN, export: EXPORT }

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`

/** `zdd flags up|down|export`: the local Unleash server. */
export async function unleashCommand(action: 'up' | 'down' | 'export', args: string[]): Promise<number> {
  const spec = SPECS[action] ?? {}
  const options = parseFlags(args, spec)
  if (options.help) {
    process.stdout.write(`${usage(`flags ${action}`, spec)}\n`)
    return 0
  }
  if (action === 'up') return up(options)
  if (action === 'down') return down(options.fresh === true)
  return exportCommand(options)
}

async function up(options: Record<string, string | boolean | undefined>): Promise<number> {
  const dir = unleashDir()
  const started = performance.now()
  const server = await upLocalUnleash({
    dir,
    serverEntry: serviceEntry('unleash'),
    // Unset: the port it had last time (kept in its state file), else the default.
    ...(options.port === undefined ? {} : { port: intFlag(options, 'port', DEFAULT_PORT, 1024, 65_535) }),
    fresh: options.fresh === true,
    timeoutMs: intFlag(options, 'timeout-ms', 90_000, 5000, 600_000),
    log: (line) => process.stdout.write(`${line}\n`),
  })
  process.stdout.write(report(server, dir, performance.now() - started))
  return 0
}

function report(server: LocalUnleash, dir: string, ms: number): string {
  const { timings, seed } = server
  const how = server.reused
    ? 'already running'
    : `ready in ${seconds(ms)} (postgres ${seconds(timings.postgresInitMs + timings.postgresStartMs)}, unleash ${seconds(timings.unleashMs)}, seed ${seconds(timings.seedMs)})`
  const seeded = [
    seed.created.length > 0 ? `created ${seed.created.join(', ')}` : '',
    seed.updated.length > 0 ? `completed ${seed.updated.join(', ')}` : '',
    seed.kept.length > 0 ? `${seed.kept.length} kept as they are` : '',
  ].filter(Boolean)
  return [
    '',
    `zdd flags up: Unleash ${how}`,
    `  admin UI     ${server.url}/   login ${server.login.user} / ${server.login.password}${server.login.legacy ? "  (Unleash's published default: this database predates generated passwords; change it in the UI, or start over with zdd flags up --fresh)" : ''}`,
    `  demo flags   ${seeded.join('; ')}`,
    `  services     UNLEASH_URL=${server.apiUrl} UNLEASH_API_TOKEN='${server.backendToken}'`,
    `  admin API    curl -H 'Authorization: ${server.adminToken}' ${server.url}/api/admin/projects/default/features`,
    `  data         ${shortPath(dir)}/  (log: ${shortPath(server.logFile)})`,
    'Next: zdd up --unleash (the stack in server mode) · zdd flags list|set (now on the server) · zdd flags down',
    '',
  ].join('\n')
}

async function down(fresh: boolean): Promise<number> {
  const dir = unleashDir()
  if (fresh) {
    await wipeLocalUnleash(dir)
    process.stdout.write(`stopped the local Unleash and deleted ${shortPath(dir)}/\n`)
    return 0
  }
  const stopped = await downLocalUnleash(dir)
  const what = [stopped.unleash ? 'unleash' : '', stopped.postgres ? 'postgres' : ''].filter(Boolean)
  process.stdout.write(
    what.length > 0
      ? `stopped ${what.join(' and ')}; data kept in ${shortPath(dir)}/ (zdd flags up --fresh starts over)\n`
      : `the local Unleash was not running (${shortPath(dir)}/)\n`,
  )
  return 0
}

async function exportCommand(options: Record<string, string | boolean | undefined>): Promise<number> {
  const server = await localServer()
  if (!server) throw new errors.NotRunningError(shortPath(unleashDir()))
  const file = typeof options.file === 'string' ? options.file : localFlagsFile()
  const previous: FlagsDocument | undefined = existsSync(file) ? readFlagsFile(file) : undefined
  // Keep the file's order (or the demo's, for a new file): a re-export then only shows real changes.
  const order = (previous ?? readFlagsFile(DEMO_FLAGS_FILE)).features.map((f) => f.name)
  const doc = await exportFlags(server.admin, order)
  if (options.stdout) {
    process.stdout.write(`${JSON.stringify(doc, null, 2)}\n`)
    return 0
  }
  mkdirSync(dirname(file), { recursive: true })
  writeFlagsFile(file, doc)
  process.stdout.write(
    `${formatFlags(summarize(doc))}\n(written to ${shortPath(file)} from ${server.state.url})\n`,
  )
  return 0
}
