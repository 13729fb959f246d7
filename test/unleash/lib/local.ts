import { chmodSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { TestContext } from 'node:test'
import { AdminClient, type LocalState, readState } from '@zdd/unleash-tools'
import { type CliRun, runCli } from '../../helpers/cli.ts'

/** Ports below Linux's ephemeral range (32768-60999), so no client socket of another test holds them. */
export function randomPort(from: number, to: number): number {
  return from + Math.floor(Math.random() * (to - from))
}

export interface LocalUnleash {
  /** ZDD_STATE_DIR of every CLI run of the test. */
  stateDir: string
  dir: string
  state: LocalState
  admin: AdminClient
  /** What `zdd flags up` printed. */
  up: CliRun
  cli(args: string[], timeoutMs?: number): Promise<CliRun>
}

/**
 * A scratch state folder, removed after the test once its Unleash and Postgres are stopped (removing it
 * under a running Postgres fails). Open to other users: as root, Postgres runs as the postgres user.
 */
export async function unleashScratch(t: TestContext): Promise<string> {
  const stateDir = await mkdtemp(join(tmpdir(), 'zdd-unleash-test-'))
  chmodSync(stateDir, 0o755)
  t.after(async () => {
    await runCli(['flags', 'down', '--fresh'], 60_000, { ZDD_STATE_DIR: stateDir })
    await rm(stateDir, { recursive: true, force: true })
  })
  return stateDir
}

/**
 * `zdd flags up` in a scratch state folder, as a user runs it.
 */
export async function startLocalUnleash(t: TestContext, port: number): Promise<LocalUnleash> {
  const stateDir = await unleashScratch(t)
  const cli = (args: string[], timeoutMs = 120_000) => runCli(args, timeoutMs, { ZDD_STATE_DIR: stateDir })
  const up = await cli(['flags', 'up', '--port', String(port)])
  if (up.code !== 0) throw new Error(`zdd flags up failed (${up.code}):\n${up.stdout}\n${up.stderr}`)
  const dir = join(stateDir, 'unleash')
  const state = readState(dir)
  if (!state) throw new Error(`no state file in ${dir}`)
  return {
    stateDir,
    dir,
    state,
    admin: new AdminClient({ url: state.url, token: state.adminToken }),
    up,
    cli,
  }
}

/** The timings line of `zdd flags up`, for the test output. */
export function upTimings(run: CliRun): string {
  return /Unleash (ready in .*|already running)/.exec(run.stdout)?.[1] ?? '(no timings printed)'
}
