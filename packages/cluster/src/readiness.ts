import { existsSync } from 'node:fs'
import { type ComponentName, nodeOf } from './components.ts'
import { apiReady, dnsAnswers, healthy, nodeReady } from './health.ts'
import { type Layout, NETWORK, type NodeSpec, nodePaths } from './layout.ts'
import { run } from './run.ts'

/** When each component counts as up, and what to say while it is not. */
export interface Readiness {
  waitingFor: string
  timeoutMs: number
  check: () => Promise<boolean>
}

export function readiness(name: ComponentName, l: Layout): Readiness {
  switch (name) {
    case 'containerd':
    case 'containerd-2': {
      const socket = nodePaths(l, nodeOf(name) as NodeSpec).containerd.socket
      return {
        waitingFor: 'the CRI socket',
        timeoutMs: 30_000,
        check: async () =>
          existsSync(socket) &&
          (await run('ctr', ['--address', socket, 'version'], { check: false })).code === 0,
      }
    }
    case 'etcd':
      return healthEndpoint('http://127.0.0.1:2379/health', 30_000)
    case 'kube-apiserver':
      return { waitingFor: '/readyz', timeoutMs: 90_000, check: apiReady }
    case 'kube-controller-manager':
      return healthEndpoint('https://127.0.0.1:10257/healthz', 60_000)
    case 'kube-scheduler':
      return healthEndpoint('https://127.0.0.1:10259/healthz', 60_000)
    case 'kubelet':
    case 'kubelet-2': {
      const node = nodeOf(name) as NodeSpec
      return {
        waitingFor: `node ${node.name} to be Ready`,
        timeoutMs: 120_000,
        check: async () =>
          (await healthy(`http://127.0.0.1:${node.healthzPort}/healthz`)) && (await nodeReady(node.name)),
      }
    }
    case 'kube-proxy':
      return healthEndpoint('http://127.0.0.1:10256/healthz', 60_000)
    case 'coredns':
      return {
        waitingFor: `kubernetes.default.svc.${NETWORK.clusterDomain} to resolve`,
        timeoutMs: 60_000,
        check: async () => (await dnsAnswers()).includes(NETWORK.kubernetesServiceIP),
      }
  }
}

/** Ready when `url` answers its health check: most components say so on an HTTP(S) endpoint. */
function healthEndpoint(url: string, timeoutMs: number): Readiness {
  return { waitingFor: url, timeoutMs, check: () => healthy(url) }
}
