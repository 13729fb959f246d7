import type { ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { join } from 'node:path'
import type { TestContext } from 'node:test'
import { startCli } from '../../helpers/cli.ts'
import { waitFor } from './logs.ts'

/** The services of `zdd up` that evaluate flags (recommendations only serves what the gateway picked). */
export const FLAG_SERVICES = ['gateway', 'catalog', 'catalog-canary'] as const
export const MEMBERS = ['gateway', 'catalog', 'catalog-canary', 'recommendations-a', 'recommendations-b']

export interface Stack {
  origin: string
  /** Management ports of every member, in MEMBERS order. */
  managementPorts: number[]
  log(service: string): string
  output(): string
  /** Ctrl-C, as a user stops it: resolves with the exit code and everything printed. */
  stop(): Promise<{ code: number | null; out: string; ms: number }>
  child: ChildProcess
}

/** `zdd up --unleash` on real ports, with the services polling every `refreshMs`. */
export async function startStack(
  t: TestContext,
  stateDir: string,
  base: number,
  refreshMs: number,
): Promise<Stack> {
  const args = ['up', '--unleash', '--base-port', String(base), '--refresh-ms', String(refreshMs)]
  const { child, output } = startCli(t, args, { ZDD_STATE_DIR: stateDir })
  await waitFor(
    'zdd up --unleash ready',
    () => {
      if (child.exitCode !== null) throw new Error(`zdd up exited ${child.exitCode}:\n${output()}`)
      return output().includes('Ctrl-C stops everything') || undefined
    },
    30_000,
    100,
  )
  return {
    origin: `http://127.0.0.1:${base}`,
    managementPorts: MEMBERS.map((_, i) => base + 6000 + i),
    log: (service) => join(stateDir, 'logs', `${service}.log`),
    output,
    child,
    async stop() {
      const began = performance.now()
      child.kill('SIGINT')
      const [code] = await once(child, 'exit')
      return { code: code as number | null, out: output(), ms: performance.now() - began }
    },
  }
}
