import { existsSync } from 'node:fs'
import { join, relative } from 'node:path'
import { AdminClient, type LocalState, runningLocalUnleash, stateFile } from '@zdd/unleash-tools'
import { stateDir } from '../paths.ts'

/** The local Unleash's one folder (`zdd flags up`): database, log, state file with ports and tokens. */
export function unleashDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(stateDir(env), 'unleash')
}

/** A path as short as it reads well: relative to the working directory when inside it. */
export function shortPath(path: string): string {
  const short = relative(process.cwd(), path)
  return short && !short.startsWith('..') ? short : path
}

/** The running local Unleash and an admin client for it; undefined when it is not running. */
export async function localServer(): Promise<{ state: LocalState; admin: AdminClient } | undefined> {
  const state = await runningLocalUnleash(unleashDir())
  return state && { state, admin: new AdminClient({ url: state.url, token: state.adminToken }) }
}

/** Says so on stderr when a local Unleash was set up but is not running (so edits go to the file). */
export function noteStopped(): void {
  if (!existsSync(stateFile(unleashDir()))) return
  process.stderr.write(
    `(the local Unleash in ${shortPath(unleashDir())} is stopped: using the offline file; zdd flags up starts it)\n`,
  )
}
