import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { UsageError } from '../errors.ts'

/** What a running `zdd up` writes into the state folder: who it is and the services it runs. */
export interface UpState {
  pid: number
  gateway: string
  /** Service name → pid of its current process. */
  services: Record<string, number>
}

export function upStateFile(stateDir: string): string {
  return join(stateDir, 'up.json')
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    // EPERM: it exists, it is someone else's.
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}

export function readUpState(stateDir: string): UpState | undefined {
  try {
    return JSON.parse(readFileSync(upStateFile(stateDir), 'utf8')) as UpState
  } catch {
    return undefined
  }
}

/**
 * Claims the state folder for this `zdd up`: refuses, naming the other one, while another `zdd up` using the
 * same folder runs; a file left by one that was killed is taken over. `write` records the services' pids.
 */
export function claimUp(
  stateDir: string,
  gateway: string,
): { write(services: Record<string, number>): void; release(): void } {
  const file = upStateFile(stateDir)
  const other = readUpState(stateDir)
  if (other && other.pid !== process.pid && alive(other.pid)) {
    throw new UsageError(
      `zdd up is already running (pid ${other.pid}, gateway ${other.gateway}); stop it first (Ctrl-C in its terminal, or kill ${other.pid}), or give this one its own ZDD_STATE_DIR and --base-port`,
    )
  }
  const write = (services: Record<string, number>) => {
    const state: UpState = { pid: process.pid, gateway, services }
    // Written whole then renamed: a reader never sees half a file.
    writeFileSync(`${file}.${process.pid}`, `${JSON.stringify(state, null, 2)}\n`)
    renameSync(`${file}.${process.pid}`, file)
  }
  write({})
  return {
    write,
    release() {
      if (readUpState(stateDir)?.pid === process.pid) rmSync(file, { force: true })
    },
  }
}
