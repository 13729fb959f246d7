import { copyFileSync, mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import { parseArgs } from 'node:util'
import { DEMO_FLAGS_FILE, readFlagsFile, summarize, writeFlagsFile } from '@zdd/flags'
import { type FlagSpec, usage } from '../args.ts'
import { UsageError } from '../errors.ts'
import { localFlagsFile } from '../paths.ts'
import { unleashCommand } from '../unleash/commands.ts'
import { localServer, noteStopped } from '../unleash/local.ts'
import { listOnServer, resetOnServer, setOnServer } from '../unleash/server-flags.ts'
import { type FlagChange, parseChange } from './flag-change.ts'
import { ensureFlagsFile, formatFlags } from './flags-file.ts'

const SPEC: FlagSpec = {
  file: { type: 'string', description: 'offline flags file to edit', default: '.zdd/flags.json' },
  rollout: { type: 'string', description: 'set the gradual-rollout percentage, 0-100' },
  variants: { type: 'string', description: 'set variant weights in percent, e.g. a=80,b=20' },
  json: { type: 'boolean', description: 'list as JSON' },
  help: { type: 'boolean', description: 'this text' },
}

const HELP = `Usage:
  zdd flags list [--json]                 show the flags: on/off, rollout %, variant weights
  zdd flags set <flag> on|off             switch a flag
  zdd flags set <flag> --rollout <0-100>  change the share of users (raising it only adds users)
  zdd flags set <flag> --variants a=50,b=50
  zdd flags reset                         restore the demo flags
  zdd flags up [--port 4242] [--fresh]    start the local Unleash server (Postgres included), seeded
                                          with the demo flags (zdd flags up --help)
  zdd flags down [--fresh]                stop it (--fresh also deletes its data)
  zdd flags export [--file F] [--stdout]  write the server's flags as the offline flags file

While the local Unleash runs, list, set and reset act on it through its admin API (what the Unleash UI
does), unless --file names a file. Otherwise they edit the offline flags file that \`zdd up\` runs with.
Running services pick changes up within ~1 s either way.

${usage('flags', SPEC).split('\n').slice(2).join('\n')}`

// Re-exported: `zdd up` and the server-mode commands use them too.
export { ensureFlagsFile, formatFlags }

function parse(args: string[]) {
  try {
    const spec = Object.fromEntries(Object.entries(SPEC).map(([name, { type }]) => [name, { type }]))
    const { values, positionals } = parseArgs({ args, options: spec, strict: true, allowPositionals: true })
    const [action, ...positional] = positionals
    return { action, positional, options: values as Record<string, string | boolean | undefined> }
  } catch (err) {
    throw new UsageError((err as Error).message)
  }
}

export async function flags(args: string[]): Promise<number> {
  const [first, ...rest] = args
  if (first === 'up' || first === 'down' || first === 'export') return unleashCommand(first, rest)
  const { action, positional, options } = parse(args)
  if (options.help || action === undefined || action === 'help') {
    process.stdout.write(`${HELP}\n`)
    return action === undefined ? 2 : 0
  }
  if (action !== 'list' && action !== 'set' && action !== 'reset') {
    throw new UsageError(`unknown flags action "${action}"; use list, set, reset, up, down or export`)
  }
  const explicit = typeof options.file === 'string'
  const file = explicit ? String(options.file) : localFlagsFile()
  // Server mode: the local Unleash when it runs, unless a file was named.
  const server = explicit ? undefined : await localServer()
  if (!server && !explicit) noteStopped()
  switch (action) {
    case 'list': {
      const list = server ? await listOnServer(server.admin) : summarize(readFlagsFile(ensureFlagsFile(file)))
      process.stdout.write(options.json ? `${JSON.stringify(list, null, 2)}\n` : `${formatFlags(list)}\n`)
      return 0
    }
    case 'reset':
      if (server) return resetOnServer(server.admin)
      mkdirSync(dirname(file), { recursive: true })
      copyFileSync(DEMO_FLAGS_FILE, file)
      process.stdout.write(`restored the demo flags in ${file}\n`)
      return 0
    case 'set':
      try {
        const change = parseChange(positional, options)
        return server ? await setOnServer(server.admin, change) : set(file, change)
      } catch (err) {
        // A wrong flag name or weight is the user's input: a usage error (exit 2), not a crash.
        const code = (err as { code?: string }).code
        if (code === 'ZDD_FLAGS_UNKNOWN_FLAG' || code === 'ZDD_FLAGS_EDIT')
          throw new UsageError((err as Error).message)
        throw err
      }
  }
}

function set(file: string, change: FlagChange): number {
  const doc = readFlagsFile(ensureFlagsFile(file))
  change.apply(doc, file)
  writeFlagsFile(file, doc)
  const summary = summarize(doc).filter((flag) => flag.name === change.name)
  process.stdout.write(`${formatFlags(summary)}\n(${file})\n`)
  return 0
}
