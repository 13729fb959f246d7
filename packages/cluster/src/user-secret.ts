import { randomBytes } from 'node:crypto'
import type { RunResult } from './run.ts'

type Kubectl = (args: string[], options?: { check?: boolean; input?: string }) => Promise<RunResult>

/** The Secret k8s/base/gateway reads GATEWAY_USER_SECRET from (the key signing users' cookies). */
export const GATEWAY_USER_SECRET = { name: 'gateway-user-secret', key: 'secret' } as const

/**
 * What an operator does once per cluster, done for the local one: namespace `zdd` and, unless it exists, the
 * gateway's cookie-signing Secret with a random key. The gateway pods wait for it (CreateContainerConfigError)
 * otherwise. Called by `zdd cluster up` and before each overlay is applied (a strategy switch deletes the
 * namespace, and the Secret with it).
 */
export async function ensureGatewayUserSecret(kubectl: Kubectl, namespace = 'zdd'): Promise<boolean> {
  const found = await kubectl(['-n', namespace, 'get', 'secret', GATEWAY_USER_SECRET.name], { check: false })
  if (found.code === 0) return false
  await kubectl(['apply', '-f', '-'], {
    input: JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } }),
  })
  await kubectl([
    '-n',
    namespace,
    'create',
    'secret',
    'generic',
    GATEWAY_USER_SECRET.name,
    `--from-literal=${GATEWAY_USER_SECRET.key}=${randomBytes(32).toString('hex')}`,
  ])
  return true
}
