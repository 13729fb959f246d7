import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { ServiceNotBuiltError } from './errors.ts'

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

/**
 * A built entry of a service of this repository (`zdd up`, the demos, `zdd flags up` start them). Found in
 * the checkout, not as dependencies: the CLI depends on packages only, so installing it never pulls in a
 * service's server (unleash-server's ~430 packages).
 */
export function serviceEntry(service: string, file = 'main.js'): string {
  const path = join(REPO_ROOT, 'services', service, 'dist', file)
  if (!existsSync(path)) throw new ServiceNotBuiltError(`services/${service}/dist/${file}`)
  return path
}
