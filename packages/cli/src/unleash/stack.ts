import { join } from 'node:path'
import { writeFlagsFile } from '@zdd/flags'
import { errors, exportFlags, loginOf } from '@zdd/unleash-tools'
import { ensureFlagsFile } from '../commands/flags-file.ts'
import { localServer, shortPath, unleashDir } from './local.ts'

/** How often services poll the local Unleash in `zdd up --unleash`: a UI change shows within ~1-2 s. */
export const DEFAULT_REFRESH_MS = 1000

/** Where the stack's flags come from: the environment every service gets, and the line `zdd up` prints. */
export interface FlagSource {
  env: Record<string, string>
  describe(rel: (path: string) => string): string
}

export function offlineFlags(file: string): FlagSource {
  const flagsFile = ensureFlagsFile(file)
  return {
    env: { FLAGS_FILE: flagsFile },
    describe: (rel) =>
      `  flags (offline)  ${rel(flagsFile)}  — e.g. zdd flags set catalog-canary --rollout 50`,
  }
}

/**
 * Server mode against the running local Unleash. The bootstrap file (what services serve until their first
 * sync) is the server's flags exported now, so start-up never shows values the server does not hold.
 */
export async function unleashFlags(refreshMs: number): Promise<FlagSource> {
  const server = await localServer()
  if (!server) throw new errors.NotRunningError(shortPath(unleashDir()))
  const { state, admin } = server
  if (!state.backendToken) throw new errors.NotRunningError(`${shortPath(unleashDir())} has no backend token`)
  const bootstrap = join(unleashDir(), 'bootstrap.json')
  writeFlagsFile(bootstrap, await exportFlags(admin))
  return {
    env: {
      FLAGS_FILE: bootstrap,
      UNLEASH_URL: `${state.url}/api/`,
      UNLEASH_API_TOKEN: state.backendToken,
      UNLEASH_REFRESH_MS: String(refreshMs),
    },
    describe: () =>
      `  flags (unleash)  ${state.url}/  login ${loginOf(state).user} / ${loginOf(state).password}, polled every ${refreshMs} ms — e.g. zdd flags set recommendations-ab --variants a=80,b=20`,
  }
}
