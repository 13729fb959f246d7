import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { TestContext } from 'node:test'

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
): { child: ChildProcess; output: () => string } {
  const child = spawn(process.execPath, [CLI, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
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
