import { join } from 'node:path'
import type { Binaries } from './build.ts'
import { type Layout, NETWORK, NODES, type NodeSpec, nodePaths } from './layout.ts'

export type ComponentName =
  | 'containerd'
  | 'containerd-2'
  | 'etcd'
  | 'kube-apiserver'
  | 'kube-controller-manager'
  | 'kube-scheduler'
  | 'kubelet'
  | 'kubelet-2'
  | 'kube-proxy'
  | 'coredns'

/** A process of the cluster: the command line it runs with. Start order is the order of COMPONENTS. */
export interface Component {
  name: ComponentName
  command: string
  args: string[]
}

export const COMPONENTS: readonly ComponentName[] = [
  'containerd',
  'containerd-2',
  'etcd',
  'kube-apiserver',
  'kube-controller-manager',
  'kube-scheduler',
  'kubelet',
  'kubelet-2',
  'kube-proxy',
  'coredns',
]

/** The node a per-node component belongs to (containerd, kubelet), undefined for the shared ones. */
export function nodeOf(name: ComponentName): NodeSpec | undefined {
  if (name === 'containerd' || name === 'kubelet') return NODES[0]
  if (name === 'containerd-2' || name === 'kubelet-2') return NODES[1]
  return undefined
}

/** The components of a cluster of `nodes` nodes, in start order. */
export function componentsFor(nodes: number): ComponentName[] {
  return COMPONENTS.filter((name) => (nodeOf(name)?.index ?? 0) < nodes)
}

/** The control plane, in the order an upgrade restarts it. */
export const CONTROL_PLANE: readonly ComponentName[] = [
  'kube-apiserver',
  'kube-controller-manager',
  'kube-scheduler',
]

export const API_SERVER_URL = `https://${NETWORK.nodeIP}:${NETWORK.apiserverPort}`

export function component(name: ComponentName, l: Layout, bins: Binaries): Component {
  const pki = (file: string) => join(l.pki, file)
  const k8s = (args: string[]): Component => ({ name, command: bins.k8s, args: [name, ...args] })
  switch (name) {
    case 'containerd':
    case 'containerd-2':
      return {
        name,
        command: 'containerd',
        args: ['--config', nodePaths(l, nodeOf(name) as NodeSpec).containerd.config],
      }
    case 'etcd':
      return k8s([
        '--name=zdd',
        `--data-dir=${l.etcd}`,
        '--listen-client-urls=http://127.0.0.1:2379',
        '--advertise-client-urls=http://127.0.0.1:2379',
        '--listen-peer-urls=http://127.0.0.1:2380',
        '--initial-advertise-peer-urls=http://127.0.0.1:2380',
        '--initial-cluster=zdd=http://127.0.0.1:2380',
        '--listen-metrics-urls=http://127.0.0.1:2381',
        // A throwaway single-node store on a shared disk: fsync latency would only slow the tests.
        '--unsafe-no-fsync',
      ])
    case 'kube-apiserver':
      return k8s([
        `--advertise-address=${NETWORK.nodeIP}`,
        `--bind-address=${NETWORK.nodeIP}`,
        `--secure-port=${NETWORK.apiserverPort}`,
        '--etcd-servers=http://127.0.0.1:2379',
        `--service-cluster-ip-range=${NETWORK.serviceCIDR}`,
        `--client-ca-file=${pki('ca.crt')}`,
        `--tls-cert-file=${pki('apiserver.crt')}`,
        `--tls-private-key-file=${pki('apiserver.key')}`,
        `--kubelet-client-certificate=${pki('apiserver-kubelet-client.crt')}`,
        `--kubelet-client-key=${pki('apiserver-kubelet-client.key')}`,
        `--kubelet-certificate-authority=${pki('ca.crt')}`,
        '--kubelet-preferred-address-types=InternalIP',
        `--service-account-key-file=${pki('sa.pub')}`,
        `--service-account-signing-key-file=${pki('sa.key')}`,
        `--service-account-issuer=https://kubernetes.default.svc.${NETWORK.clusterDomain}`,
        '--authorization-mode=Node,RBAC',
        '--enable-admission-plugins=NodeRestriction,PodSecurity',
        '--allow-privileged=false',
        '--profiling=false',
      ])
    case 'kube-controller-manager':
      return k8s([
        ...selfAuthenticating(pki('controller-manager.kubeconfig')),
        `--root-ca-file=${pki('ca.crt')}`,
        `--service-account-private-key-file=${pki('sa.key')}`,
        `--cluster-signing-cert-file=${pki('ca.crt')}`,
        `--cluster-signing-key-file=${pki('ca.key')}`,
        '--use-service-account-credentials=true',
        '--allocate-node-cidrs=true',
        `--cluster-cidr=${NETWORK.clusterCIDR}`,
        '--node-cidr-mask-size=24',
        `--service-cluster-ip-range=${NETWORK.serviceCIDR}`,
        // One instance: no lease to wait for after a restart.
        '--leader-elect=false',
      ])
    case 'kube-scheduler':
      return k8s([...selfAuthenticating(pki('scheduler.kubeconfig')), '--leader-elect=false'])
    case 'kubelet':
    case 'kubelet-2': {
      const node = nodeOf(name) as NodeSpec
      const paths = nodePaths(l, node)
      return {
        name,
        command: bins.k8s,
        args: [
          'kubelet',
          `--config=${paths.kubelet.config}`,
          `--kubeconfig=${pki(`kubelet-${node.name}.kubeconfig`)}`,
          `--root-dir=${paths.kubelet.root}`,
          `--hostname-override=${node.name}`,
          `--node-ip=${node.ip}`,
        ],
      }
    }
    case 'kube-proxy':
      return k8s([`--config=${l.proxyConfig}`])
    case 'coredns':
      return { name, command: bins.dns, args: ['-conf', l.corefile] }
  }
}

/** A control-plane component that reaches the API server, and authenticates its own clients, as one identity. */
function selfAuthenticating(kubeconfig: string): string[] {
  return [
    `--kubeconfig=${kubeconfig}`,
    `--authentication-kubeconfig=${kubeconfig}`,
    `--authorization-kubeconfig=${kubeconfig}`,
    '--bind-address=127.0.0.1',
  ]
}
