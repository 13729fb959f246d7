import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { type Layout, NETWORK, NODES, type NodeSpec, nodePaths } from './layout.ts'

/** The pod sandbox image containerd runs first in every pod; built here (cluster/pause.c), never pulled. */
export const PAUSE_IMAGE = 'docker.io/zdd/pause:1'

function write(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true })
  writeFileSync(path, text)
}

/** Every configuration file of the cluster, rewritten at each `up` from the layout (never edited by hand). */
export function writeConfigs(l: Layout): void {
  for (const node of NODES) writeNodeConfigs(l, node)
  writeSharedConfigs(l)
}

function writeNodeConfigs(l: Layout, node: NodeSpec): void {
  const n = nodePaths(l, node)
  // containerd: CRI on our own socket and folders, so a containerd the machine may run is left alone.
  // restrict_oom_score_adj: runc cannot set a negative oom_score_adj without CAP_SYS_RESOURCE, and every
  // sandbox fails ("can't get final child's PID from pipe: EOF") unless the runtime stays within its own.
  write(
    n.containerd.config,
    `version = 2
root = "${n.containerd.root}"
state = "${n.containerd.state}"

[grpc]
  address = "${n.containerd.socket}"

[plugins."io.containerd.internal.v1.opt"]
  path = "${join(n.containerd.root, 'opt')}"

[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "${PAUSE_IMAGE}"
  restrict_oom_score_adj = true
  enable_selinux = false
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        SystemdCgroup = false
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = "${n.cni.conf}"
`,
  )
  // One bridge, host-local addresses from the node's pod range. No masquerade: pod traffic has nowhere
  // to go but this machine. hairpinMode: a pod reaching its own Service may be sent back to itself.
  write(
    join(n.cni.conf, '10-zdd.conflist'),
    `${JSON.stringify(
      {
        cniVersion: '1.0.0',
        name: 'zdd',
        plugins: [
          {
            type: 'bridge',
            bridge: node.bridge,
            isGateway: true,
            ipMasq: false,
            hairpinMode: true,
            ipam: {
              type: 'host-local',
              ranges: [[{ subnet: node.podCIDR }]],
              routes: [{ dst: '0.0.0.0/0' }],
              dataDir: n.cni.state,
            },
          },
        ],
      },
      null,
      2,
    )}\n`,
  )
  write(
    n.kubelet.config,
    `apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
address: ${node.ip}
port: ${node.kubeletPort}
readOnlyPort: 0
healthzBindAddress: 127.0.0.1
healthzPort: ${node.healthzPort}
cgroupRoot: ${node.cgroupRoot}
authentication:
  anonymous: { enabled: false }
  webhook: { enabled: true }
  x509: { clientCAFile: ${join(l.pki, 'ca.crt')} }
authorization: { mode: Webhook }
tlsCertFile: ${join(l.pki, `kubelet-${node.name}.crt`)}
tlsPrivateKeyFile: ${join(l.pki, `kubelet-${node.name}.key`)}
containerRuntimeEndpoint: unix://${n.containerd.socket}
# cgroup v1 with the cgroupfs driver: what this machine has (no systemd as PID 1).
cgroupDriver: cgroupfs
failCgroupV1: false
clusterDNS: [${NETWORK.dnsIP}]
clusterDomain: ${NETWORK.clusterDomain}
resolvConf: ${l.resolvConf}
failSwapOn: false
# The machine's hard limit on open files.
maxOpenFiles: 20000
serializeImagePulls: false
# A small shared disk and memory: evict only when really short.
evictionHard: { memory.available: 100Mi, nodefs.available: 2%, imagefs.available: 2%, nodefs.inodesFree: 2% }
imageGCHighThresholdPercent: 99
imageGCLowThresholdPercent: 98
shutdownGracePeriod: 0s
`,
  )
}

function writeSharedConfigs(l: Layout): void {
  // Pods resolve through the cluster DNS only: an empty upstream keeps every other name on this machine.
  write(l.resolvConf, '# no upstream resolvers: the local cluster never looks names up off this machine\n')

  write(
    l.proxyConfig,
    `apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
clientConnection: { kubeconfig: ${join(l.pki, 'proxy.kubeconfig')} }
hostnameOverride: ${NETWORK.nodeName}
mode: iptables
clusterCIDR: ${NETWORK.clusterCIDR}
# NodePorts on loopback (how the host reaches the gateway) and the node address only, never on the
# machine's real interfaces.
nodePortAddresses: [127.0.0.0/8, ${NETWORK.nodeIP}/32]
metricsBindAddress: 127.0.0.1:10249
healthzBindAddress: 127.0.0.1:10256
# 0: leave the machine's conntrack sysctls as they are.
conntrack: { maxPerCore: 0, min: 0, tcpEstablishedTimeout: 0s, tcpCloseWaitTimeout: 0s }
`,
  )
  write(
    l.corefile,
    `.:53 {
    bind ${NETWORK.dnsIP}
    errors
    health 127.0.0.1:10054
    ready 127.0.0.1:10055
    kubernetes ${NETWORK.clusterDomain} in-addr.arpa ip6.arpa {
        kubeconfig ${join(l.pki, 'coredns.kubeconfig')} zdd
        pods insecure
        fallthrough in-addr.arpa ip6.arpa
    }
    cache 5
}
`,
  )
}
