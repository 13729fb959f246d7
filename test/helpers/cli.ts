import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { TestContext } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { portFree } from '@zdd/test-support'

export const CLI = new URL('../../packages/cli/dist/main.js', import.meta.url).pathname

export interface CliRun {
  code: number | null
  stdout: string
  stderr: string
}

/** Runs the built `zdd` CLI as a real process (no TTY, so it prints plain progress lines). */
export function runCli(
  args: string[],
  timeoutMs = 120_000,
  env: Record<string, string> = {},
): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk) => {
      stdout += chunk
    })
    child.stderr.on('data', (chunk) => {
      stderr += chunk
    })
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`zdd ${args.join(' ')} did not finish in ${timeoutMs} ms\n${stdout}\n${stderr}`))
    }, timeoutMs)
    child.once('exit', (code) => {
      clearTimeout(timer)
      resolve({ code, stdout, stderr })
    })
  })
}

/**
 * A long-running `zdd` (e.g. `zdd up`) as a real process, its stdout and stderr collected; killed after the
 * test if it is still running.
 */
export function startCli(
  t: TestContext,
  args: string[],
  env: Record<string, string> = {},
  opts: { detached?: boolean } = {},
): { child: ChildProcess; output: () => string } {
  const child = spawn(process.execPath, [CLI, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: opts.detached ?? false,
  })
  let out = ''
  const collect = (chunk: Buffer) => {
    out += chunk
  }
  child.stdout?.on('data', collect)
  child.stderr?.on('data', collect)
  t.after(() => child.kill('SIGKILL'))
  return { child, output: () => out }
}

/** A scratch folder removed after the test. */
export async function scratch(t: TestContext): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'zdd-test-'))
  t.after(() => rm(dir, { recursive: true, force: true }))
  return dir
}

export async function readJson<T>(path: string): Promise<T> {
  return JSON.parse(await readFile(path, 'utf8')) as T
}

/**
 * A base port for `zdd up --base-port` whose five service and five management ports (+6000) are free: away
 * from the demo's 3000 and below Linux's ephemeral range (32768+), where outgoing connections of other
 * tests take ports at random.
 */
export async function freeBasePort(): Promise<number> {
  for (;;) {
    const base = 10_000 + Math.floor(Math.random() * 16_000)
    const ports = [0, 1, 2, 3, 4].flatMap((i) => [base + i, base + 6000 + i])
    if ((await Promise.all(ports.map(portFree))).every(Boolean)) return base
  }
}

/** Waits until a started CLI printed `text`; fails with its output when it exits first or `timeoutMs` passes. */
export async function waitForOutput(
  cli: { child: ChildProcess; output: () => string },
  text: string | RegExp,
  timeoutMs = 30_000,
): Promise<void> {
  const deadline = performance.now() + timeoutMs
  const seen = () => (typeof text === 'string' ? cli.output().includes(text) : text.test(cli.output()))
  while (!seen()) {
    if (performance.now() > deadline || cli.child.exitCode !== null) {
      throw new Error(`zdd did not print ${String(text)}:\n${cli.output()}`)
    }
    await sleep(50)
  }
}
