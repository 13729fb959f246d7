import { kubectl } from './kubectl.ts'
import { ensureGatewayUserSecret } from './user-secret.ts'

/** What the API server needs before the rest starts: read access for the cluster DNS (it runs on the
 *  node as the user zdd:coredns, with a client certificate from the cluster's CA). */
const COREDNS_RBAC = `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: { name: zdd:coredns }
rules:
  - apiGroups: [""]
    resources: [endpoints, services, pods, namespaces]
    verbs: [list, watch]
  - apiGroups: [discovery.k8s.io]
    resources: [endpointslices]
    verbs: [list, watch]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: { name: zdd:coredns }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: zdd:coredns }
subjects:
  - { apiGroup: rbac.authorization.k8s.io, kind: User, name: zdd:coredns }
`

export async function applyBootstrap(): Promise<void> {
  await kubectl(['apply', '-f', '-'], { input: COREDNS_RBAC })
  await ensureGatewayUserSecret(kubectl)
}
