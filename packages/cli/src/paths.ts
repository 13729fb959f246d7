import { join } from 'node:path'

/** The repository root (the CLI runs from packages/cli/dist inside it). */
export const REPO_ROOT = join(import.meta.dirname, '..', '..', '..')

/**
 * Local, uncommitted state of `zdd up` and `zdd flags`: the editable offline flags file, logs, the local
 * Unleash's data. ZDD_STATE_DIR moves it (tests use a scratch folder).
 */
export function stateDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.ZDD_STATE_DIR ?? join(REPO_ROOT, '.zdd')
}

export function localFlagsFile(env: NodeJS.ProcessEnv = process.env): string {
  return join(stateDir(env), 'flags.json')
}
