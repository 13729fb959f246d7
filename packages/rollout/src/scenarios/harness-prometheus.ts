import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type Prometheus, startPrometheus } from '@zdd/prometheus'
import type { Harness } from '../run/harness.ts'

const SYNC_MS = 250

export interface HarnessPrometheus {
  prometheus: Prometheus
  stop(): Promise<void>
}

/**
 * A real Prometheus scraping every pod of the harness on its management port (/metrics), as the cluster's
 * scrape annotations do: the target list follows the pods (terminating ones stay until they exit, so their
 * last requests are counted), each target labelled with its pod and Deployment.
 */
export async function harnessPrometheus(h: Harness, scrapeIntervalMs: number): Promise<HarnessPrometheus> {
  const dir = await mkdtemp(join(tmpdir(), 'zdd-prometheus-'))
  const prometheus = await startPrometheus({ dir, scrapeIntervalMs })
  let last = ''
  const sync = async () => {
    const targets = h.deployments.flatMap((d) =>
      d.pods
        .filter((pod) => pod.phase !== 'Terminated')
        .map((pod) => ({
          address: `127.0.0.1:${pod.managementPort}`,
          labels: { pod: pod.name, deployment: d.spec.name },
        })),
    )
    const key = JSON.stringify(targets)
    if (key === last) return
    last = key
    await prometheus.setTargets(targets)
  }
  await sync()
  const timer = setInterval(() => void sync().catch(() => {}), SYNC_MS)
  timer.unref()
  let stopped: Promise<void> | undefined
  return {
    prometheus,
    stop() {
      stopped ??= (async () => {
        clearInterval(timer)
        await prometheus.stop()
        await rm(dir, { recursive: true, force: true })
      })()
      return stopped
    },
  }
}
