import type { Prometheus, Target } from '@zdd/prometheus'
import type { Api } from './api.ts'

interface Pod {
  metadata: { name: string; namespace?: string; annotations?: Record<string, string> }
  status?: { podIP?: string }
}

/**
 * Prometheus' targets from the API server: every pod of the namespace annotated `prometheus.io/scrape:
 * "true"` (k8s/components/metrics), at its pod IP and annotated port, until the pod is deleted (a
 * terminating pod still serves its last requests). Prometheus' own kubernetes_sd would do this, but
 * Debian's build leaves it out ("field kubernetes_sd_configs not found"), so the run follows the pods.
 */
export function followPods(api: Api, namespace: string, prometheus: Prometheus): void {
  const targets = new Map<string, Target>()
  let written = ''
  const write = () => {
    const list = [...targets.values()]
    const key = JSON.stringify(list)
    if (key === written) return
    written = key
    void prometheus.setTargets(list).catch(() => {})
  }
  api.watch<Pod>(`/api/v1/namespaces/${namespace}/pods`, (type, pod) => {
    const a = pod.metadata.annotations ?? {}
    const ip = pod.status?.podIP
    if (type === 'DELETED' || a['prometheus.io/scrape'] !== 'true' || !ip) {
      targets.delete(pod.metadata.name)
    } else {
      targets.set(pod.metadata.name, {
        address: `${ip}:${a['prometheus.io/port'] ?? '9090'}`,
        labels: {
          pod: pod.metadata.name,
          namespace,
          ...(a['prometheus.io/path'] ? { __metrics_path__: a['prometheus.io/path'] } : {}),
        },
      })
    }
    write()
  })
}
