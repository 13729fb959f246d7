// Runs the Dockerfile without Docker: each stage gets a folder standing for its filesystem root, and the
// instructions run in order: ARG, ENV, WORKDIR, COPY (from the build context or an earlier stage) and RUN
// (`sh -c` in the stage's WORKDIR, absolute paths in the command moved under the stage's folder).
//
// One substitution: RUN lines of stages built straight on a base image (`FROM node:…`) set that image up
// (npm install --global of the pinned pnpm and turbo, apt-get install tini). They are not run; the host's
// pinned tools stand in, on a PATH that holds nothing else, and dockerfile.test.ts checks that the pins
// the Dockerfile installs are the ones the repo pins.
//
// Longer than the ~250 lines the style guide asks: Dockerfile interpreter, one instruction per case of one
// switch.
import { spawn } from 'node:child_process'
import {
  accessSync,
  chmodSync,
  constants,
  cpSync,
  existsSync,
  mkdirSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs'
import { basename, delimiter, join, posix } from 'node:path'
import { ROOT } from './context.ts'
import { type Dockerfile, execForm, parseEnv, splitArg, substitute } from './dockerfile.ts'

export interface StageState {
  name: string
  /** Host folder standing for the stage's `/`. */
  root: string
  /** WORKDIR, as the image sees it. */
  workdir: string
  vars: Map<string, string | undefined>
  env: Map<string, string>
  user: string | undefined
  expose: string[]
  entrypoint: string[] | undefined
  cmd: string[] | undefined
}

export interface Step {
  stage: string
  instruction: string
  ms: number
}

export interface BuildResult {
  final: StageState
  steps: Step[]
  /** The stages' folders by name, for inspection and clean-up. */
  stages: Map<string, StageState>
}

export interface BuildOptions {
  dockerfile: Dockerfile
  buildArgs: Record<string, string>
  /** The build context folder (see context.ts). */
  context: string
  /** Scratch folder: stage roots and the tool PATH go here. */
  scratch: string
  /** Extra environment for RUN steps (e.g. offline-friendly pnpm settings). */
  runEnv?: Record<string, string>
  log?: (line: string) => void
}

/** Host tools standing in for the base-image set-up: node, the pinned pnpm, the repo's turbo. */
export function toolPath(dir: string): string {
  mkdirSync(dir, { recursive: true })
  const wrap = (name: string, target: string) => {
    writeFileSync(join(dir, name), `#!/bin/sh\nexec '${target}' "$@"\n`)
    chmodSync(join(dir, name), 0o755)
  }
  symlinkSync(process.execPath, join(dir, 'node'))
  wrap('pnpm', which('pnpm'))
  wrap('turbo', join(ROOT, 'node_modules/.bin/turbo'))
  // sh, cp, test… for RUN lines; nothing from the repo's node_modules/.bin (tsc must come from the install).
  return [dir, '/usr/sbin', '/usr/bin', '/sbin', '/bin'].join(delimiter)
}

export function which(command: string): string {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const candidate = join(dir, command)
    try {
      accessSync(candidate, constants.X_OK)
      if (statSync(candidate).isFile()) return candidate
    } catch {}
  }
  throw new Error(`${command} is not on PATH (source scripts/toolchain.sh)`)
}

const PASS_ENV =
  /^(HOME|TMPDIR|LANG|XDG_\w+|PNPM_HOME|PNPM_CONFIG_\w+|https?_proxy|HTTPS?_PROXY|no_proxy|NO_PROXY)$/

export async function buildWithoutDocker(options: BuildOptions): Promise<BuildResult> {
  const { dockerfile, buildArgs, context, scratch } = options
  const log = options.log ?? (() => {})
  const path = toolPath(join(scratch, 'bin'))
  const stages = new Map<string, StageState>()
  const steps: Step[] = []

  for (const stage of dockerfile.stages) {
    const parent = stages.get(stage.from)
    const state: StageState = {
      name: stage.name,
      root: join(scratch, 'fs', stage.name),
      workdir: parent?.workdir ?? '/',
      vars: new Map(),
      env: new Map(parent?.env),
      user: parent?.user,
      expose: [...(parent?.expose ?? [])],
      entrypoint: parent?.entrypoint,
      cmd: parent?.cmd,
    }
    if (parent && existsSync(parent.root))
      cpSync(parent.root, state.root, { recursive: true, verbatimSymlinks: true })
    mkdirSync(state.root, { recursive: true })
    stages.set(stage.name, state)
    const onBaseImage = parent === undefined

    for (const instruction of stage.instructions) {
      const started = performance.now()
      const text = `${instruction.keyword} ${instruction.args}`
      let note = ''
      switch (instruction.keyword) {
        case 'ARG': {
          const [name, fallback] = splitArg(instruction.args)
          state.vars.set(name, buildArgs[name] ?? fallback ?? dockerfile.globalArgs.get(name))
          break
        }
        case 'ENV':
          for (const [key, value] of parseEnv(instruction)) {
            const expanded = substitute(value, allVars(state))
            state.env.set(key, expanded)
          }
          break
        case 'WORKDIR':
          state.workdir = posix.resolve(state.workdir, substitute(instruction.args, allVars(state)))
          mkdirSync(join(state.root, state.workdir), { recursive: true })
          break
        case 'COPY':
          copy(state, stages, context, substitute(instruction.args, allVars(state)), instruction.line)
          break
        case 'RUN':
          if (onBaseImage) {
            note = ' (base-image set-up: host tools stand in)'
            break
          }
          await run(state, instruction.args, path, options.runEnv ?? {}, log)
          break
        case 'USER':
          state.user = substitute(instruction.args, allVars(state))
          break
        case 'EXPOSE':
          state.expose.push(...substitute(instruction.args, allVars(state)).split(/\s+/))
          break
        case 'ENTRYPOINT':
          state.entrypoint = execForm(instruction.args)
          break
        case 'CMD':
          state.cmd = execForm(instruction.args)
          break
        case 'LABEL':
          break
        default:
          throw new Error(
            `Dockerfile line ${instruction.line}: ${instruction.keyword} is not handled by test/images`,
          )
      }
      const ms = performance.now() - started
      steps.push({ stage: stage.name, instruction: text, ms })
      log(`${stage.name.padEnd(8)} ${String(Math.round(ms)).padStart(6)} ms  ${text}${note}`)
    }
  }
  const final = [...stages.values()].at(-1)!
  return { final, steps, stages }
}

function allVars(state: StageState): Map<string, string | undefined> {
  return new Map([...state.vars, ...state.env])
}

/** `COPY [--from=stage] src… dest`, with Docker's rule that a source folder's contents are copied. */
function copy(
  state: StageState,
  stages: ReadonlyMap<string, StageState>,
  context: string,
  args: string,
  line: number,
): void {
  const words = args.split(/\s+/)
  let fromRoot = context
  while (words[0]?.startsWith('--')) {
    const flag = words.shift()!
    const from = /^--from=(.+)$/.exec(flag)
    if (!from) throw new Error(`Dockerfile line ${line}: COPY ${flag} is not handled by test/images`)
    const source = stages.get(from[1]!)
    if (!source) throw new Error(`Dockerfile line ${line}: COPY --from=${from[1]}: no such earlier stage`)
    fromRoot = source.root
  }
  const dest = words.pop()
  if (dest === undefined || words.length === 0)
    throw new Error(`Dockerfile line ${line}: COPY needs a source and a destination`)
  const destPath = join(state.root, posix.resolve(state.workdir, dest))
  for (const src of words) {
    const srcPath = join(fromRoot, src)
    if (!existsSync(srcPath))
      throw new Error(`Dockerfile line ${line}: COPY source ${src} does not exist (${srcPath})`)
    if (statSync(srcPath).isDirectory()) {
      cpSync(srcPath, destPath, { recursive: true, verbatimSymlinks: true })
    } else {
      const intoFolder =
        dest.endsWith('/') || words.length > 1 || (existsSync(destPath) && statSync(destPath).isDirectory())
      const target = intoFolder ? join(destPath, basename(srcPath)) : destPath
      cpSync(srcPath, target, { verbatimSymlinks: true })
    }
  }
}

/** Absolute paths in a RUN command (`/prod/catalog`) move under the stage's folder. */
export function rootedCommand(command: string, root: string): string {
  return command.replace(/(^|\s)\/(?=[\w.$])/g, `$1${root}/`)
}

async function run(
  state: StageState,
  command: string,
  path: string,
  extraEnv: Record<string, string>,
  log: (line: string) => void,
): Promise<void> {
  const rooted = rootedCommand(command, state.root)
  const env: Record<string, string> = {}
  for (const [key, value] of Object.entries(process.env))
    if (PASS_ENV.test(key) && value !== undefined) env[key] = value
  // ARG values are environment variables of RUN steps, as in Docker; ENV ones too.
  for (const [key, value] of state.vars) if (value !== undefined) env[key] = value
  Object.assign(env, Object.fromEntries(state.env), extraEnv, { PATH: path })
  const cwd = join(state.root, state.workdir)
  const child = spawn('sh', ['-c', rooted], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  child.stdout.on('data', (chunk) => {
    output += chunk
  })
  child.stderr.on('data', (chunk) => {
    output += chunk
  })
  const code = await new Promise<number | null>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`RUN ${command} did not finish in 180 s\n${output}`))
    }, 180_000)
    child.once('error', reject)
    child.once('close', (exitCode) => {
      clearTimeout(timer)
      resolve(exitCode)
    })
  })
  if (code !== 0) {
    log(output)
    throw new Error(`RUN ${command} (as: ${rooted}) exited ${code}:\n${output}`)
  }
}
