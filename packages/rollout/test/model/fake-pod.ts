import { EventEmitter } from 'node:events'
import type { Pod } from '@zdd/rollout'

/** Just enough of a Pod for the controllers that only look at its state: no process behind it. */
export function fakePod(
  name: string,
  state: Partial<{ ready: boolean; node: string; labels: Record<string, string> }> = {},
) {
  const emitter = new EventEmitter()
  let exit: () => void = () => undefined
  const exited = new Promise<void>((resolve) => {
    exit = resolve
  })
  const pod = Object.assign(emitter, {
    name,
    version: name.split('-')[1] ?? 'v1',
    port: 1,
    ready: state.ready ?? true,
    terminating: false,
    node: state.node,
    labels: state.labels ?? {},
    terminated: 0,
    terminate() {
      if (!pod.terminating) {
        pod.terminating = true
        pod.ready = false
        pod.terminated += 1
        emitter.emit('terminating')
      }
      return exited
    },
    exit,
  })
  return pod as typeof pod & Pod
}
