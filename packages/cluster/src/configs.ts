import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { type Layout, NETWORK } from './layout.ts'

/** The pod sandbox image containerd runs first in every pod; built here (cluster/pause.c), never pulled. */
export const PAUSE_IMAGE = 'docker.io/zdd/pause:1'

function write(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true })
  writeFileSync(path, text)
}

/** Every configuration file of the node, rewritten at each `up` from the layout (never edited by hand). */
export function writeConfigs(l: Layout): void {
  // containerd: CRI on our own socket and folders, so a containerd the machine may run is left alone.
  // restrict_oom_score_adj: runc cannot set a negative oom_score_adj without CAP_SYS_RESOURCE, and every
  // sandbox fails ("can't get final child's PID from pipe: EOF") unless the runtime stays within its own.
  write(
    l.containerd.config,
    `version = 2
root = "${l.containerd.root}"
state = "${l.containerd.state}"

[grpc]
  address = "${l.containerd.socket}"

[plugins."io.containerd.internal.v1.opt"]
  path = "${join(l.containerd.root, 'opt')}"

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
    conf_dir = "${l.cni.conf}"
`,
  )
  // One bridge, host-local addresses from the node's pod range. No masquerade: pod traffic has nowhere
  // to go but this machine. hairpinMode: a pod reaching its own Service may be sent back to itself.
  write(
    join(l.cni.conf, '10-zdd.conflist'),
    `${JSON.stringify(
      {
        cniVersion: '1.0.0',
        name: 'zdd',
        plugins: [
          {
            type: 'bridge',
            bridge: NETWORK.podBridge,
            isGateway: true,
            ipMasq: false,
            hairpinMode: true,
            ipam: {
              type: 'host-local',
              ranges: [[{ subnet: NETWORK.podCIDR }]],
              routes: [{ dst: '0.0.0.0/0' }],
              dataDir: l.cni.state,
            },
          },
        ],
      },
      null,
      2,
    )}\n`,
  )
  // Pods resolve through the cluster DNS only: an empty upstream keeps every other name on this machine.
  write(l.resolvConf, '# no upstream resolvers: the local cluster never looks names up off this machine\n')
  write(
    l.kubelet.config,
    `apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
address: ${NETWORK.nodeIP}
readOnlyPort: 0
healthzBindAddress: 127.0.0.1
authentication:
  anonymous: { enabled: false }
  webhook: { enabled: true }
  x509: { clientCAFile: ${join(l.pki, 'ca.crt')} }
authorization: { mode: Webhook }
tlsCertFile: ${join(l.pki, 'kubelet.crt')}
tlsPrivateKeyFile: ${join(l.pki, 'kubelet.key')}
containerRuntimeEndpoint: unix://${l.containerd.socket}
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
