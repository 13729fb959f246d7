import type { OperatorCommand, RolloutControl, RolloutState } from '@zdd/rollout'
import type { Api } from './api.ts'

/** Where a progressive rollout's state and an operator's command live on the cluster: annotations. */
export const STATE_ANNOTATION = 'zdd.dev/rollout-state'
export const COMMAND_ANNOTATION = 'zdd.dev/rollout-command'

const pointer = (key: string) => `/metadata/annotations/${key.replace('~', '~0').replace('/', '~1')}`

interface Annotated {
  metadata: { annotations?: Record<string, string> }
}

/**
 * The rollout's side on the cluster: its state as an annotation of the canary Deployment, which any
 * `kubectl get deployment -o yaml` shows, and commands taken from another annotation (removed with a
 * test-and-remove patch, so a command written meanwhile is never lost).
 */
export async function annotationControl(
  api: Api,
  namespace: string,
  deployment: string,
): Promise<RolloutControl> {
  const path = `/apis/apps/v1/namespaces/${namespace}/deployments/${deployment}`
  const current = await api.get<Annotated>(path)
  // Annotations may be absent altogether: add the map first, so the pointers below resolve.
  if (!current.metadata.annotations)
    await api.patch(path, [{ op: 'add', path: '/metadata/annotations', value: {} }])
  if (current.metadata.annotations?.[COMMAND_ANNOTATION] !== undefined)
    await api.patch(path, [{ op: 'remove', path: pointer(COMMAND_ANNOTATION) }])
  return {
    async publish(state) {
      await api.patch(path, [{ op: 'add', path: pointer(STATE_ANNOTATION), value: JSON.stringify(state) }])
    },
    async take() {
      const text = (await api.get<Annotated>(path)).metadata.annotations?.[COMMAND_ANNOTATION]
      if (text === undefined) return undefined
      try {
        await api.patch(path, [
          { op: 'test', path: pointer(COMMAND_ANNOTATION), value: text },
          { op: 'remove', path: pointer(COMMAND_ANNOTATION) },
        ])
      } catch {
        return undefined // changed meanwhile: the next check takes the newer one
      }
      const { command, by, atMs } = JSON.parse(text) as { command: OperatorCommand; by: string; atMs: number }
      return { command, by, sentAtMs: atMs }
    },
  }
}

/** The operator's side: the state as last published on the Deployment, if any rollout published one. */
export async function readClusterRollout(
  api: Api,
  namespace: string,
  deployment: string,
): Promise<RolloutState | undefined> {
  const path = `/apis/apps/v1/namespaces/${namespace}/deployments/${deployment}`
  const text = (await api.get<Annotated>(path)).metadata.annotations?.[STATE_ANNOTATION]
  return text ? (JSON.parse(text) as RolloutState) : undefined
}

/** The operator's side: leaves a command on the Deployment for the rollout's next check. */
export async function sendClusterCommand(
  api: Api,
  namespace: string,
  deployment: string,
  command: OperatorCommand,
  by: string,
): Promise<void> {
  const path = `/apis/apps/v1/namespaces/${namespace}/deployments/${deployment}`
  const value = JSON.stringify({ command, by, atMs: Date.now() })
  await api.patch(path, [{ op: 'add', path: pointer(COMMAND_ANNOTATION), value }])
}
