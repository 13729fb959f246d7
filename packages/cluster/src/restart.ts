import { binaries } from './build.ts'
import { type ComponentName, component } from './components.ts'
import { layout } from './layout.ts'
import { start, stop } from './processes.ts'
import { waitReady } from './up.ts'

/** Stops one component (SIGTERM) and starts it again as `up` does, back when it is ready: an upgrade's step. */
export async function restartComponent(name: ComponentName): Promise<number> {
  const l = layout()
  const started = performance.now()
  await stop(l, name)
  start(l, component(name, l, binaries()))
  await waitReady(l, name)
  return Math.round(performance.now() - started)
}
