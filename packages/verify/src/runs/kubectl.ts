import { spawn } from 'node:child_process'
import { KubectlError } from '../errors.ts'

/** How to reach the cluster: a kubectl and the environment it runs with (KUBECONFIG). */
export interface KubectlTarget {
  command: string
  env: NodeJS.ProcessEnv
}

/** Runs kubectl; a non-zero exit is an error that says what kubectl said. */
export function kubectl(target: KubectlTarget, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(target.command, args, { env: target.env, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk) => {
      stdout += chunk
    })
    child.stderr.on('data', (chunk) => {
      stderr += chunk
    })
    child.on('error', (err) => reject(new KubectlError(`${target.command} ${args.join(' ')}`, err.message)))
    child.on('close', (code) => {
      if (code === 0) resolve(stdout)
      else reject(new KubectlError(`${target.command} ${args.join(' ')}`, stderr.trim() || `exit ${code}`))
    })
  })
}

export async function kubectlJson<T>(target: KubectlTarget, args: string[]): Promise<T> {
  return JSON.parse(await kubectl(target, [...args, '-o', 'json'])) as T
}

/** `kubectl rollout status`: resolves when the Deployment's rollout is complete, rejects at `timeoutS`. */
export async function rolloutStatus(
  target: KubectlTarget,
  namespace: string,
  deployment: string,
  timeoutS: number,
): Promise<void> {
  await kubectl(target, [
    '-n',
    namespace,
    'rollout',
    'status',
    `deployment/${deployment}`,
    `--timeout=${Math.ceil(timeoutS)}s`,
  ])
}
