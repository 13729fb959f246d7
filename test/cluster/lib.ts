import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import type { TestContext } from 'node:test'
import { DEBIAN_PACKAGES, layout } from '@zdd/cluster'
import { runCli } from '../helpers/cli.ts'

/**
 * The real-cluster tests need root and the node's Debian packages (.ci/run installs them). Where they are
 * missing the tests skip, saying why; under CI they fail instead, so a CI that silently stopped proving
 * the cluster cannot pass.
 */
export function requireNode(t: TestContext): boolean {
  const reason = process.getuid?.() !== 0 ? 'not root' : undefined
  if (reason === undefined) return true
  if (process.env.CI) throw new Error(`the real-cluster tests cannot run: ${reason}`)
  t.skip(`real cluster: ${reason} (needs root and apt-get install ${DEBIAN_PACKAGES.join(' ')})`)
  return false
}

export async function zdd(args: string[], timeoutMs = 1_800_000) {
  const run = await runCli(args, timeoutMs)
  if (run.code !== 0)
    throw new Error(`zdd ${args.join(' ')} exited ${run.code}\n${run.stdout}\n${run.stderr}`)
  return run
}

/** kubectl of the cluster's release (the link `zdd cluster up` makes), as a user would run it after `zdd cluster env`. */
export function kubectl(
  args: string[],
  input?: string,
): Promise<{ code: number; stdout: string; stderr: string }> {
  const l = layout()
  return new Promise((resolve, reject) => {
    const child = spawn(`${l.bin}/kubectl`, args, {
      env: { ...process.env, KUBECONFIG: l.kubeconfig },
      stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout?.on('data', (c) => {
      stdout += c
    })
    child.stderr?.on('data', (c) => {
      stderr += c
    })
    if (input !== undefined) child.stdin?.end(input)
    child.on('error', reject)
    child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }))
  })
}

export function readJson<T>(path: string): T {
  return JSON.parse(readFileSync(path, 'utf8')) as T
}
