// Every check the manifests must pass, by id. Each id has a negative fixture in test/k8s/fixtures/broken/
// (test/k8s/broken.test.ts fails if one is missing), so no rule can silently stop rejecting anything.
export const RULES = {
  // schema.ts
  'schema-known-kind': 'every object has a kubernetes-models class for its apiVersion and kind',
  'schema-valid': "the model's validate() accepts the object (types, required fields, enums, quantities)",
  'schema-unknown-field': 'no field the schema does not know (a typo the API server would drop or reject)',
  // policy.ts: the restricted Pod Security Standard and the rest of the pod hygiene
  'pss-host-access': 'no privileged container, hostNetwork, hostPID, hostIPC or hostPort',
  'pss-volume-types': 'only the volume types the restricted standard allows',
  'pss-run-as-non-root': 'runAsNonRoot true and no runAsUser 0',
  'pss-privilege-escalation': 'allowPrivilegeEscalation false',
  'pss-capabilities': 'capabilities drop ALL, add nothing but NET_BIND_SERVICE',
  'pss-seccomp': 'seccompProfile RuntimeDefault or Localhost',
  'read-only-root-fs': 'readOnlyRootFilesystem true',
  'service-account-token': 'automountServiceAccountToken false (the services never call the API)',
  resources: 'cpu and memory requests and a memory limit not below the request',
  'image-tag': 'images carry a tag or digest, never latest',
  probes: 'liveness and readiness probes',
  // availability.ts
  'rolling-update':
    'surge-only rolling updates (maxUnavailable 0, maxSurge >= 1), Recreate only with a waiver',
  'pdb-covers-replicas': 'a multi-replica workload is covered by a PodDisruptionBudget',
  'pdb-allows-disruption': 'a PodDisruptionBudget allows at least one disruption (or node drains hang)',
  'pdb-overlap': 'no pod is covered by two PodDisruptionBudgets (the Eviction API refuses those pods)',
  spread: 'multi-replica workloads spread over nodes (hostname anti-affinity or topology spread)',
  // drain.ts
  'drain-delay':
    'pods behind a Service keep serving while routers notice (preStop sleep or SHUTDOWN_DELAY_MS)',
  'drain-budget': 'the drain fits terminationGracePeriodSeconds: preStop + delay + longest request + margin',
  // cross.ts: objects against each other
  namespace: 'every namespaced object names the same namespace',
  'selector-shape': 'label and selector values are strings (a dotted key without [brackets] nests a map)',
  'workload-selector-matches-template': "a workload's selector matches its own pod template",
  'workload-selectors-overlap': "no two workloads select each other's pods",
  'service-selects-pods': 'a Service selector matches some pod template',
  'service-target-port': 'a named targetPort exists in every pod the Service selects',
  'service-no-management-port': 'no routed Service exposes the management port',
  'one-colour-per-service': 'a Service selects pods of exactly one colour (blue-green)',
  'shadow-isolated': 'shadow pods are reached only through mirroring, never through a serving route',
  'canary-ratio': 'a Service over stable and canary pods has fewer canary than stable replicas, at least one',
  'network-policy-ports': 'a NetworkPolicy selects pods that have the ports it names',
  'volume-mounts': 'every mount names a declared volume and every volume is mounted',
  // ingress.ts
  'backend-ingress':
    "only the gateway reaches a backend's traffic port (and Traefik, where a route of the render sends it there)",
  'management-ingress':
    "every zdd pod is isolated for ingress, and its management port is reached from the monitoring namespace only (Prometheus; the kubelet's probes are not subject to NetworkPolicy)",
  // routes.ts
  'traefik-ref': 'IngressRoute and TraefikService references resolve to existing objects and ports',
  'traefik-weights': 'weighted TraefikService weights are set and sum to 100',
  'gateway-ref': 'HTTPRoute parentRefs, backendRefs and mirror backendRefs resolve',
  'gateway-weights': 'HTTPRoute rules splitting over several backends have weights summing to 100',
  'servicemonitor-ref': 'a ServiceMonitor selects a Service with the named port, serving the path',
  // code.ts: containers against the service code
  'service-schema-known': 'each container belongs to a service whose config schema the tests know',
  'env-source': 'envFrom, configMapKeyRef and downward-API references resolve',
  'env-in-schema': "every env var name is in the service's config schema",
  'config-valid': "the container's effective env passes the service's own loadConfig()",
  'ports-match-config': 'the http and management container ports equal PORT and MANAGEMENT_PORT',
  'probe-port': 'probes target the management port',
  'probe-path-served': 'probe paths are routes the lifecycle management server serves',
  'metrics-annotations': 'prometheus.io annotations point at the management port and a served path',
  // gateway.ts: the gateway's route table, with @zdd/gateway's own validator
  'gateway-routes':
    "the gateway's route table is set, passes its resolveRouteTable(), and routes the web page's requests",
  'gateway-upstreams':
    'route table upstreams are Services of the render, on ports they have, whose pods serve the routed paths',
  'gateway-flags':
    'flags the route table names exist in the flags the gateway reads, with the mapped variants',
  // flags.ts
  'flags-source':
    'FLAGS_FILE is a key of a mounted ConfigMap (no subPath) holding valid flags; every service reads the same flags',
  'flags-token': 'UNLEASH_URL and UNLEASH_API_TOKEN are set together, the token from a Secret',
} as const

export type RuleId = keyof typeof RULES
