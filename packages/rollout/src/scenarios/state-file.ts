import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { OperatorCommand, RolloutControl, RolloutState } from '../plans/control.ts'

/**
 * Where the harness keeps progressive rollouts' state, one file per app: `$ZDD_STATE_DIR/rollouts`, else
 * `<tmp>/zdd-rollouts`. The harness's cluster lives in one process, so its "objects" are these files; on
 * a real cluster the same state lives in annotations any kubectl can read.
 */
export function rolloutStateDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.ZDD_STATE_DIR ? join(env.ZDD_STATE_DIR, 'rollouts') : join(tmpdir(), 'zdd-rollouts')
}

const stateFile = (dir: string, app: string) => join(dir, `${app}.json`)
const commandFile = (dir: string, app: string) => join(dir, `${app}.command.json`)

async function writeWhole(path: string, text: string): Promise<void> {
  const next = `${path}.${process.pid}.next`
  await writeFile(next, text)
  await rename(next, path)
}

/** The rollout's side: it publishes its state and takes the commands operators leave. */
export async function fileControl(dir: string, app: string): Promise<RolloutControl> {
  await mkdir(dir, { recursive: true })
  // A command left for an earlier rollout of this app must not steer this one.
  await rm(commandFile(dir, app), { force: true })
  return {
    publish: (state) => writeWhole(stateFile(dir, app), `${JSON.stringify(state, null, 2)}\n`),
    async take() {
      const taken = `${commandFile(dir, app)}.${process.pid}.taken`
      try {
        await rename(commandFile(dir, app), taken)
      } catch {
        return undefined
      }
      const text = await readFile(taken, 'utf8').finally(() => rm(taken, { force: true }))
      const { command, by, atMs } = JSON.parse(text) as { command: OperatorCommand; by: string; atMs: number }
      return { command, by, sentAtMs: atMs }
    },
  }
}

/** The operator's side: the app's state as last published, or undefined when no rollout of it ran here. */
export async function readRolloutState(dir: string, app: string): Promise<RolloutState | undefined> {
  try {
    return JSON.parse(await readFile(stateFile(dir, app), 'utf8')) as RolloutState
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw error
  }
}

/** The operator's side: leaves a command; the rollout takes it at its next check (every 200 ms). */
export async function sendRolloutCommand(
  dir: string,
  app: string,
  command: OperatorCommand,
  by: string,
): Promise<void> {
  await mkdir(dir, { recursive: true })
  await writeWhole(commandFile(dir, app), `${JSON.stringify({ command, by, atMs: Date.now() })}\n`)
}
