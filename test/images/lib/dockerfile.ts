// A reader for the subset of Dockerfile syntax the repo's Dockerfile uses: line continuations, comments,
// ARG defaults (global and per stage), `${VAR}` substitution, stages, exec-form JSON arrays. Anything it
// does not know is an error, so a new instruction cannot slip past the recipe test unseen.
import { readFileSync } from 'node:fs'

export const DOCKERFILE = new URL('../../../Dockerfile', import.meta.url).pathname

const KNOWN = new Set([
  'FROM',
  'ARG',
  'ENV',
  'WORKDIR',
  'COPY',
  'RUN',
  'USER',
  'EXPOSE',
  'ENTRYPOINT',
  'CMD',
  'LABEL',
])

export interface Instruction {
  keyword: string
  /** Everything after the keyword, continuations joined with one space. */
  args: string
  /** 1-based line of the keyword, for messages. */
  line: number
}

export interface Stage {
  name: string
  /** The FROM argument with global ARG defaults substituted: an image or an earlier stage's name. */
  from: string
  instructions: Instruction[]
}

export interface Dockerfile {
  /** ARGs declared before the first FROM, with their defaults. */
  globalArgs: Map<string, string | undefined>
  stages: Stage[]
  all: Instruction[]
}

export function readDockerfile(path = DOCKERFILE): Dockerfile {
  return parseDockerfile(readFileSync(path, 'utf8'))
}

export function parseDockerfile(text: string): Dockerfile {
  const all: Instruction[] = []
  let pending: Instruction | undefined
  text.split('\n').forEach((raw, index) => {
    const line = raw.trimEnd()
    // Comment lines are dropped, also inside a continuation (Docker does the same).
    if (line.trimStart().startsWith('#')) return
    if (pending === undefined) {
      if (line.trim() === '') return
      const match = /^\s*([A-Za-z]+)\s*(.*)$/.exec(line)
      if (!match) throw new Error(`Dockerfile line ${index + 1}: cannot read "${line}"`)
      pending = { keyword: match[1]!.toUpperCase(), args: '', line: index + 1 }
      append(pending, match[2]!)
    } else {
      append(pending, line.trim())
    }
    if (!line.endsWith('\\')) {
      all.push(pending)
      pending = undefined
    }
  })
  if (pending) throw new Error(`Dockerfile line ${pending.line}: continuation runs past the end of the file`)

  const globalArgs = new Map<string, string | undefined>()
  const stages: Stage[] = []
  for (const instruction of all) {
    if (!KNOWN.has(instruction.keyword)) {
      throw new Error(
        `Dockerfile line ${instruction.line}: ${instruction.keyword} is not handled by test/images; teach it there`,
      )
    }
    if (instruction.keyword === 'FROM') {
      const match = /^(\S+)\s+AS\s+(\S+)$/i.exec(instruction.args)
      if (!match)
        throw new Error(`Dockerfile line ${instruction.line}: every stage needs a name (FROM … AS name)`)
      stages.push({ name: match[2]!, from: substitute(match[1]!, globalArgs), instructions: [] })
    } else if (stages.length === 0) {
      if (instruction.keyword !== 'ARG') {
        throw new Error(`Dockerfile line ${instruction.line}: only ARG may come before the first FROM`)
      }
      const [name, value] = splitArg(instruction.args)
      globalArgs.set(name, value)
    } else {
      stages.at(-1)!.instructions.push(instruction)
    }
  }
  return { globalArgs, stages, all }
}

function append(instruction: Instruction, part: string): void {
  const text = part.endsWith('\\') ? part.slice(0, -1).trimEnd() : part
  if (text === '') return
  instruction.args = instruction.args === '' ? text : `${instruction.args} ${text}`
}

/** `ARG NAME=default` or `ARG NAME`. */
export function splitArg(args: string): [string, string | undefined] {
  const eq = args.indexOf('=')
  return eq === -1 ? [args.trim(), undefined] : [args.slice(0, eq).trim(), args.slice(eq + 1).trim()]
}

/** Docker's `${VAR}` / `$VAR` substitution (the forms used here; no `${VAR:-default}`). */
export function substitute(text: string, vars: ReadonlyMap<string, string | undefined>): string {
  return text.replace(
    /\$\{(\w+)\}|\$(\w+)/g,
    (whole, braced: string | undefined, bare: string | undefined) => {
      const name = (braced ?? bare)!
      if (!vars.has(name)) return whole
      return vars.get(name) ?? ''
    },
  )
}

/** An exec-form (JSON array) argument list, or undefined for shell form. */
export function execForm(args: string): string[] | undefined {
  if (!args.startsWith('[')) return undefined
  const parsed: unknown = JSON.parse(args)
  if (!Array.isArray(parsed) || !parsed.every((part) => typeof part === 'string')) return undefined
  return parsed
}

/** `ENV A=1 B=2` (the key=value form; the legacy `ENV A 1` form is rejected). */
export function parseEnv(instruction: Instruction): Map<string, string> {
  const env = new Map<string, string>()
  for (const pair of instruction.args.split(/\s+/)) {
    const eq = pair.indexOf('=')
    if (eq <= 0) throw new Error(`Dockerfile line ${instruction.line}: write ENV as KEY=value`)
    env.set(pair.slice(0, eq), pair.slice(eq + 1))
  }
  return env
}

export function stage(file: Dockerfile, name: string): Stage {
  const found = file.stages.find((s) => s.name === name)
  if (!found) throw new Error(`Dockerfile has no stage "${name}" (stages: ${file.stages.map((s) => s.name)})`)
  return found
}

export function only(s: Stage, keyword: string): Instruction | undefined {
  const matches = s.instructions.filter((i) => i.keyword === keyword)
  if (matches.length > 1) throw new Error(`stage ${s.name} has ${matches.length} ${keyword} instructions`)
  return matches[0]
}
