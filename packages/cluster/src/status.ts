import { COMPONENTS, type ComponentName } from './components.ts'
import { nodeReady } from './health.ts'
import { layout } from './layout.ts'
import { pidOf } from './processes.ts'

export interface ClusterStatus {
  components: Array<{ name: ComponentName; pid: number | undefined }>
  running: boolean
  nodeReady: boolean
}

export async function status(): Promise<ClusterStatus> {
  const l = layout()
  const components = COMPONENTS.map((name) => ({ name, pid: pidOf(l, name) }))
  const running = components.every((c) => c.pid !== undefined)
  return { components, running, nodeReady: running && (await nodeReady().catch(() => false)) }
}
