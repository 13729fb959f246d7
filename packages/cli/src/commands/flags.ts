import { copyFileSync, existsSync, mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import { parseArgs } from 'node:util'
import {
  DEMO_FLAGS_FILE,
  type FlagSummary,
  readFlagsFile,
  setEnabled,
  setRollout,
  setVariants,
  summarize,
  writeFlagsFile,
} from '@zdd/flags'
import { type FlagSpec, usage } from '../args.ts'
import { UsageError } from '../errors.ts'
import { localFlagsFile } from '../paths.ts'

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

They edit the offline flags file that \`zdd up\` runs with; running services pick changes up within ~1 s.

${usage('flags', SPEC).split('\n').slice(2).join('\n')}`

/** The editable copy of the demo flags, created on first use. */
export function ensureFlagsFile(file: string): string {
  if (!existsSync(file)) {
    mkdirSync(dirname(file), { recursive: true })
    copyFileSync(DEMO_FLAGS_FILE, file)
  }
  return file
}

export function parseWeights(text: string): Record<string, number> {
  const weights: Record<string, number> = {}
  for (const part of text.split(',')) {
    const match = /^([A-Za-z0-9._-]+)=(\d{1,3})$/.exec(part.trim())
    if (!match?.[1] || !match[2]) {
      throw new UsageError(`--variants takes name=percent pairs like a=80,b=20 (got "${part}")`)
    }
    weights[match[1]] = Number(match[2])
  }
  return weights
}

export function formatFlags(flags: FlagSummary[]): string {
  return flags
    .map((flag) => {
      const parts = [flag.enabled ? 'on ' : 'off', flag.name.padEnd(24), flag.type.padEnd(12)]
      if (flag.rollout !== undefined) parts.push(`rollout ${flag.rollout}%`)
      if (flag.variants) parts.push(`variants ${flag.variants.map((v) => `${v.name}=${v.weight}`).join(',')}`)
      return parts.join('  ').trimEnd()
    })
    .join('\n')
}

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
  const { action, positional, options } = parse(args)
  if (options.help || action === undefined || action === 'help') {
    process.stdout.write(`${HELP}\n`)
    return action === undefined ? 2 : 0
  }
  const file = typeof options.file === 'string' ? options.file : localFlagsFile()
  switch (action) {
    case 'list': {
      const list = summarize(readFlagsFile(ensureFlagsFile(file)))
      process.stdout.write(options.json ? `${JSON.stringify(list, null, 2)}\n` : `${formatFlags(list)}\n`)
      return 0
    }
    case 'reset':
      mkdirSync(dirname(file), { recursive: true })
      copyFileSync(DEMO_FLAGS_FILE, file)
      process.stdout.write(`restored the demo flags in ${file}\n`)
      return 0
    case 'set':
      try {
        return set(file, positional, options)
      } catch (err) {
        // A wrong flag name or weight is the user's input: a usage error (exit 2), not a crash.
        const code = (err as { code?: string }).code
        if (code === 'ZDD_FLAGS_UNKNOWN_FLAG' || code === 'ZDD_FLAGS_EDIT')
          throw new UsageError((err as Error).message)
        throw err
      }
    default:
      throw new UsageError(`unknown flags action "${action}"; use list, set or reset`)
  }
}

function set(
  file: string,
  positional: string[],
  options: Record<string, string | boolean | undefined>,
): number {
  const [name, state, extra] = positional
  if (!name)
    throw new UsageError(
      'zdd flags set needs a flag name: zdd flags set <flag> on|off|--rollout N|--variants a=50,b=50',
    )
  if (extra !== undefined) throw new UsageError(`unexpected argument "${extra}"`)
  const changes = [state, options.rollout, options.variants].filter((v) => v !== undefined)
  if (changes.length !== 1) {
    throw new UsageError(
      `say exactly one change for "${name}": on, off, --rollout <0-100> or --variants a=50,b=50`,
    )
  }
  const doc = readFlagsFile(ensureFlagsFile(file))
  if (state !== undefined) {
    if (state !== 'on' && state !== 'off') throw new UsageError(`"${state}" is not a state; use on or off`)
    setEnabled(doc, name, state === 'on', file)
  } else if (typeof options.rollout === 'string') {
    if (!/^\d{1,3}$/.test(options.rollout) || Number(options.rollout) > 100) {
      throw new UsageError(`--rollout must be a whole percentage from 0 to 100 (got "${options.rollout}")`)
    }
    setRollout(doc, name, Number(options.rollout), file)
  } else if (typeof options.variants === 'string') {
    setVariants(doc, name, parseWeights(options.variants), file)
  }
  writeFlagsFile(file, doc)
  const summary = summarize(doc).filter((flag) => flag.name === name)
  process.stdout.write(`${formatFlags(summary)}\n(${file})\n`)
  return 0
}
