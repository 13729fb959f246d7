import { type ComponentName, componentsFor, nodeOf } from './components.ts'
import { nodeReady } from './health.ts'
import { layout, NODES } from './layout.ts'
import { pidOf } from './processes.ts'
import { nodeCount } from './up.ts'

export interface ClusterStatus {
  components: Array<{ name: ComponentName; pid: number | undefined }>
  running: boolean
  nodeReady: boolean
  nodes: Array<{ name: string; ready: boolean }>
}

export async function status(): Promise<ClusterStatus> {
  const l = layout()
  const components = componentsFor(nodeCount(l)).map((name) => ({ name, pid: pidOf(l, name) }))
  const running = components.every((c) => c.pid !== undefined)
  const nodes = []
  for (const node of NODES.filter((n) => components.some((c) => nodeOf(c.name) === n))) {
    nodes.push({ name: node.name, ready: running && (await nodeReady(node.name).catch(() => false)) })
  }
  return { components, running, nodeReady: nodes.every((n) => n.ready), nodes }
}
