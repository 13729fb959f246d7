import { join } from 'node:path'
import { type Prometheus, startPrometheus } from '@zdd/prometheus'
import type { StackProcess } from './process.ts'

/**
 * `zdd up --prometheus`: a real Prometheus scraping every member's management port each second, its data
 * in the state folder (a scratch: it starts empty each time), stopped with the stack.
 */
export async function stackPrometheus(
  processes: readonly StackProcess[],
  state: string,
  port: number,
): Promise<Prometheus> {
  const prometheus = await startPrometheus({ dir: join(state, 'prometheus'), port })
  await prometheus.setTargets(
    processes.map((p) => ({
      address: `127.0.0.1:${p.spec.managementPort}`,
      labels: { pod: p.spec.name },
    })),
  )
  return prometheus
}
