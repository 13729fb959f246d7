import { join } from 'node:path'

/** The repository root (this package runs from packages/cluster/dist inside it). */
export const REPO_ROOT = join(import.meta.dirname, '..', '..', '..')

/**
 * Where the cluster keeps its state. One cluster per machine: the kubelet, kube-proxy and the CNI bridge
 * are machine-wide, so the folder is too (ZDD_CLUSTER_DIR moves it; keep it short, unix socket paths
 * are limited to 107 bytes).
 */
export interface Layout {
  root: string
  pki: string
  logs: string
  pids: string
  etcd: string
  containerd: { root: string; state: string; config: string; socket: string }
  cni: { conf: string; state: string }
  kubelet: { root: string; config: string }
  proxyConfig: string
  corefile: string
  resolvConf: string
  images: string
  /** Admin kubeconfig, what `zdd cluster env` exports as KUBECONFIG. */
  kubeconfig: string
  /** kubectl of the pinned release (a link to the multi-call binary) and anything else users call. */
  bin: string
}

export function layout(env: NodeJS.ProcessEnv = process.env): Layout {
  const root = env.ZDD_CLUSTER_DIR ?? '/var/lib/zdd-cluster'
  return {
    root,
    pki: join(root, 'pki'),
    logs: join(root, 'logs'),
    pids: join(root, 'pids'),
    etcd: join(root, 'etcd'),
    ...nodeFiles(root),
    proxyConfig: join(root, 'kube-proxy.yaml'),
    corefile: join(root, 'Corefile'),
    resolvConf: join(root, 'resolv.conf'),
    images: join(root, 'images'),
    kubeconfig: join(root, 'pki', 'admin.kubeconfig'),
    bin: join(root, 'bin'),
  }
}

/**
 * Addresses. Pod and Service ranges are private and must never leave the machine: `up` blackholes both
 * (the bridge's own /24 stays more specific). The node's address lives on a bridge of its own with no
 * ports, so nothing of the cluster listens on the machine's real interfaces.
 */
export const NETWORK = {
  nodeName: 'zdd-node',
  nodeDevice: 'zdd0',
  nodeIP: '10.245.0.1',
  podBridge: 'zddcni0',
  clusterCIDR: '10.244.0.0/16',
  podCIDR: '10.244.0.0/24',
  serviceCIDR: '10.96.0.0/16',
  kubernetesServiceIP: '10.96.0.1',
  /** Cluster DNS: CoreDNS on the node address, port 53; pods reach it through the bridge. */
  dnsIP: '10.245.0.1',
  clusterDomain: 'cluster.local',
  apiserverPort: 6443,
  /** The gateway Service's NodePort in k8s/overlays/local, reached from the host on 127.0.0.1. */
  gatewayNodePort: 30080,
} as const

export const KUBERNETES_VERSION = 'v1.34.4'

/**
 * The nodes a cluster can have: the first always, the second with `zdd cluster up --nodes 2`. Both run on
 * this machine, each with its own kubelet, containerd, pod bridge and pod range, ports and cgroup root;
 * they share the host's network namespace, so one kube-proxy serves both.
 */
export interface NodeSpec {
  index: number
  name: string
  ip: string
  bridge: string
  podCIDR: string
  kubeletPort: number
  healthzPort: number
  /** Where the kubelet puts its kubepods hierarchy, in every cgroup controller. */
  cgroupRoot: string
}

export const NODES: readonly NodeSpec[] = [
  {
    index: 0,
    name: NETWORK.nodeName,
    ip: NETWORK.nodeIP,
    bridge: NETWORK.podBridge,
    podCIDR: NETWORK.podCIDR,
    kubeletPort: 10250,
    healthzPort: 10248,
    cgroupRoot: '/',
  },
  {
    index: 1,
    name: 'zdd-node-2',
    ip: '10.245.0.2',
    bridge: 'zddcni1',
    podCIDR: '10.244.1.0/24',
    kubeletPort: 10350,
    healthzPort: 10348,
    cgroupRoot: '/zdd-node-2',
  },
]

export interface NodePaths {
  containerd: Layout['containerd']
  cni: Layout['cni']
  kubelet: Layout['kubelet']
}

/** The first node's files are the layout's own; the second's live under node2/. */
export function nodePaths(l: Layout, node: NodeSpec): NodePaths {
  if (node.index === 0) return { containerd: l.containerd, cni: l.cni, kubelet: l.kubelet }
  return nodeFiles(join(l.root, 'node2'))
}

/** One node's containerd, CNI and kubelet files under a folder. */
function nodeFiles(dir: string): NodePaths {
  return {
    containerd: {
      root: join(dir, 'containerd', 'root'),
      state: join(dir, 'containerd', 'state'),
      config: join(dir, 'containerd', 'config.toml'),
      socket: join(dir, 'containerd', 'containerd.sock'),
    },
    cni: { conf: join(dir, 'cni', 'net.d'), state: join(dir, 'cni', 'state') },
    kubelet: { root: join(dir, 'kubelet'), config: join(dir, 'kubelet.yaml') },
  }
}
