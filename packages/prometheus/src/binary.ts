import { accessSync, constants } from 'node:fs'
import { delimiter, join } from 'node:path'
import { PrometheusMissingError } from './errors.ts'

/** The Prometheus binary: ZDD_PROMETHEUS_BIN, else `prometheus` on the PATH (Debian installs /usr/bin). */
export function prometheusBinary(env: NodeJS.ProcessEnv = process.env): string {
  const candidates = env.ZDD_PROMETHEUS_BIN
    ? [env.ZDD_PROMETHEUS_BIN]
    : (env.PATH ?? '/usr/bin').split(delimiter).map((dir) => join(dir, 'prometheus'))
  for (const candidate of candidates) {
    try {
      accessSync(candidate, constants.X_OK)
      return candidate
    } catch {}
  }
  throw new PrometheusMissingError(env.ZDD_PROMETHEUS_BIN ?? '`prometheus` on the PATH')
}
