// Containers against the service code: env names against each service's config schema, the effective env
// through the service's own loadConfig(), ports against the variables the servers listen on, probe and
// metrics paths against the routes @zdd/lifecycle's management server registers.
import { containerConfig } from './env.ts'
import {
  type Dict,
  dict,
  type K8sObject,
  list,
  type PodTemplate,
  type Problem,
  problem,
  resolvePort,
  str,
} from './objects.ts'
import { LISTEN_PORT_VARS, MANAGEMENT_ROUTES, PORT_NAMES } from './services.ts'

const PROBES = ['startupProbe', 'livenessProbe', 'readinessProbe'] as const

export function codeProblems(objects: K8sObject[], pods: PodTemplate[]): Problem[] {
  return pods.flatMap((pod) =>
    pod.containers.flatMap((container) => containerProblems(objects, pod, container)),
  )
}

function containerProblems(objects: K8sObject[], pod: PodTemplate, container: Dict): Problem[] {
  const { owner } = pod
  const where = `container ${str(container.name)}`
  const cfg = containerConfig(objects, pod, container)
  const problems = [...cfg.problems]
  if (!cfg.schema) {
    return [
      ...problems,
      problem(
        owner,
        'service-schema-known',
        `${where}: no config schema for a service named "${cfg.service}"; add it to test/k8s/lib/services.ts`,
      ),
    ]
  }
  const known = Object.keys(cfg.schema.properties)
  for (const name of cfg.env.keys()) {
    if (!known.includes(name)) {
      problems.push(
        problem(
          owner,
          'env-in-schema',
          `${where}: env ${name} is not read by the ${cfg.service} service (its schema has ${known.join(', ')})`,
        ),
      )
    }
  }
  if (cfg.configError !== undefined) {
    problems.push(
      problem(
        owner,
        'config-valid',
        `${where}: the service would refuse to boot: ${cfg.configError.replaceAll('\n', ' ')}`,
      ),
    )
    return problems
  }
  const config = cfg.config ?? {}
  const managementPort = config[LISTEN_PORT_VARS.management]
  const ports = list(container.ports)
  for (const [role, name] of Object.entries(PORT_NAMES)) {
    const variable = LISTEN_PORT_VARS[role as keyof typeof PORT_NAMES]
    const port = ports.find((p) => p.name === name)
    if (port?.containerPort !== config[variable]) {
      problems.push(
        problem(
          owner,
          'ports-match-config',
          `${where}: container port "${name}" is ${port?.containerPort ?? 'missing'}, the server listens on ${variable}=${config[variable]}`,
        ),
      )
    }
  }
  const paths = new Map<string, string>()
  for (const probeName of PROBES) {
    const probe = dict(container[probeName])
    if (container[probeName] === undefined) continue
    const httpGet = probe.httpGet === undefined ? undefined : dict(probe.httpGet)
    if (!httpGet) {
      problems.push(
        problem(owner, 'probe-port', `${where}: ${probeName} is not an httpGet probe on the management port`),
      )
      continue
    }
    const port = resolvePort(httpGet.port, [container])
    if (port !== managementPort) {
      problems.push(
        problem(
          owner,
          'probe-port',
          `${where}: ${probeName} port ${httpGet.port} is ${port ?? 'not a container port'}, not ${LISTEN_PORT_VARS.management}=${managementPort}`,
        ),
      )
    }
    const path = str(httpGet.path) ?? '/'
    if (!MANAGEMENT_ROUTES.has(path)) {
      problems.push(
        problem(
          owner,
          'probe-path-served',
          `${where}: ${probeName} path ${path} is not served by the management server (${[...MANAGEMENT_ROUTES].join(', ')})`,
        ),
      )
    }
    paths.set(probeName, path)
  }
  if (paths.has('readinessProbe') && paths.get('readinessProbe') === paths.get('livenessProbe')) {
    problems.push(
      problem(
        owner,
        'probe-path-served',
        `${where}: readiness and liveness both probe ${paths.get('readinessProbe')}: readiness must fail while draining, liveness must not`,
      ),
    )
  }
  if (pod.annotations['prometheus.io/scrape'] === 'true') {
    const port = Number(pod.annotations['prometheus.io/port'])
    const path = str(pod.annotations['prometheus.io/path']) ?? '/metrics'
    if (port !== managementPort) {
      problems.push(
        problem(
          owner,
          'metrics-annotations',
          `prometheus.io/port ${pod.annotations['prometheus.io/port']} is not ${LISTEN_PORT_VARS.management}=${managementPort}`,
        ),
      )
    }
    if (!MANAGEMENT_ROUTES.has(path)) {
      problems.push(
        problem(
          owner,
          'metrics-annotations',
          `prometheus.io/path ${path} is not served by the management server`,
        ),
      )
    }
  }
  return problems
}
