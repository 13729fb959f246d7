// The gateway's route table against its own validator and against the render: a table the gateway would
// refuse, upstreams naming Services the overlay does not have, paths the backends do not serve, flags the
// gateway's flags file lacks. Each renders fine; the first exits at boot, the others answer errors (or the
// default variant) to every user.
import { type ResolvedTable, resolveRouteTable } from '@zdd/routes'
import { containerConfig } from './env.ts'
import { mountedFile } from './files.ts'
import { flagsSource } from './flags.ts'
import {
  dict,
  find,
  type K8sObject,
  list,
  type PodTemplate,
  type Problem,
  problem,
  selectedPods,
  str,
  TRACK_LABEL,
} from './objects.ts'
import { PAGE_PATHS, servedPaths, serves } from './served.ts'
import { SERVICE_SCHEMAS } from './services.ts'

type Route = ResolvedTable['routes'][number]

/** The container running @zdd/gateway (container name = service, as everywhere in these checks). */
export const isGateway = (container: { name?: unknown }) => container.name === 'gateway'

export function gatewayProblems(objects: K8sObject[], pods: PodTemplate[]): Problem[] {
  const problems: Problem[] = []
  for (const pod of pods) {
    for (const container of pod.containers.filter(isGateway)) {
      const { table, problems: tableProblems } = routeTable(objects, pod, container)
      problems.push(...tableProblems)
      if (!table) continue
      problems.push(...upstreams(objects, pods, pod, table), ...routeFlags(objects, pod, container, table))
    }
  }
  return problems
}

function routeTable(
  objects: K8sObject[],
  pod: PodTemplate,
  container: Record<string, unknown>,
): { table?: ResolvedTable; problems: Problem[] } {
  const { env } = containerConfig(objects, pod, container)
  const fail = (message: string) => ({ problems: [problem(pod.owner, 'gateway-routes', message)] })
  let text: string | undefined
  let source: string
  if (env.has('GATEWAY_ROUTES') && env.has('GATEWAY_ROUTES_FILE')) {
    return fail('both GATEWAY_ROUTES and GATEWAY_ROUTES_FILE are set: the gateway refuses to start')
  }
  if (env.has('GATEWAY_ROUTES')) {
    text = env.get('GATEWAY_ROUTES')
    source = 'GATEWAY_ROUTES'
  } else if (env.has('GATEWAY_ROUTES_FILE')) {
    const path = env.get('GATEWAY_ROUTES_FILE')
    source = `GATEWAY_ROUTES_FILE=${path}`
    if (path === undefined) return { problems: [] } // from a Secret or similar: unknown offline
    const file = mountedFile(objects, pod, container, path)
    if (file.missing !== undefined) return fail(`${source}: ${file.missing}: the gateway refuses to start`)
    text = file.text
  } else {
    return fail(
      'neither GATEWAY_ROUTES nor GATEWAY_ROUTES_FILE is set: the gateway would route to its built-in demo table, whose upstreams are on 127.0.0.1',
    )
  }
  if (text === undefined) return { problems: [] }
  let table: ResolvedTable
  try {
    table = resolveRouteTable(JSON.parse(text), source)
  } catch (err) {
    return fail(`the gateway would refuse its route table: ${(err as Error).message.replaceAll('\n', ' ')}`)
  }
  const problems: Problem[] = []
  for (const path of PAGE_PATHS) {
    if (!routeFor(table, path)) {
      problems.push(
        problem(
          pod.owner,
          'gateway-routes',
          `no route for ${path}, which the gateway's web page requests (services/gateway/src/page/script.ts): the page would show 404s`,
        ),
      )
    }
  }
  return { table, problems }
}

/** The route whose prefix matches a path on segment boundaries (what the gateway does). */
function routeFor(table: ResolvedTable, path: string): Route | undefined {
  const bare = path.split('?')[0] ?? path
  return table.routes.find((route) => bare === route.prefix || bare.startsWith(`${route.prefix}/`))
}

/** The upstream path for a gateway path under a route's prefix. */
const rewrite = (route: Route, path: string) =>
  `${route.rewritePrefix}${path.slice(route.prefix.length)}` || '/'

/** Upstream names a route sends requests to, with whether their answers reach clients. */
function targets(route: Route): Array<{ upstream: string; role: 'serving' | 'mirror'; field: string }> {
  return [
    { upstream: route.upstream, role: 'serving', field: 'upstream' },
    ...(route.canary ? [{ upstream: route.canary.upstream, role: 'serving' as const, field: 'canary' }] : []),
    ...Object.entries(route.experiment?.variants ?? {}).map(([variant, upstream]) => ({
      upstream,
      role: 'serving' as const,
      field: `experiment variant ${variant}`,
    })),
    ...(route.shadow ? [{ upstream: route.shadow.upstream, role: 'mirror' as const, field: 'shadow' }] : []),
  ]
}

function upstreams(objects: K8sObject[], pods: PodTemplate[], gateway: PodTemplate, table: ResolvedTable) {
  const problems: Problem[] = []
  const namespace = gateway.owner.metadata?.namespace
  const fail = (message: string) => problems.push(problem(gateway.owner, 'gateway-upstreams', message))
  for (const route of table.routes) {
    const paths = new Set([route.probe, ...PAGE_PATHS.filter((path) => routeFor(table, path) === route)])
    const seen = new Set<string>()
    for (const { upstream, role, field } of targets(route)) {
      // The default upstream is usually one of the variants too: one report per upstream and role.
      if (seen.has(`${upstream} ${role}`)) continue
      seen.add(`${upstream} ${role}`)
      const where = `route ${route.name} ${field}: upstream ${upstream}`
      const origin = table.upstreams.get(upstream) ?? ''
      const url = new URL(origin)
      const [name, ns = namespace, svcLabel, ...domain] = url.hostname.split('.')
      const inCluster =
        (svcLabel === undefined || svcLabel === 'svc') &&
        (domain.length === 0 || domain.join('.') === 'cluster.local')
      if (!inCluster || ns !== namespace || /^\d+$/.test(name ?? '')) {
        fail(`${where} is ${origin}, not a Service of this render (namespace ${namespace})`)
        continue
      }
      const svc = find(objects, 'Service', name ?? '')
      if (!svc || svc.metadata?.namespace !== namespace) {
        fail(`${where} is ${origin}, but there is no Service ${name} in this render`)
        continue
      }
      const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80))
      if (!list(dict(svc.spec).ports).some((p) => p.port === port)) {
        fail(`${where} is ${origin}, but Service ${name} has no port ${port}`)
      }
      const selected = selectedPods(svc, dict(svc.spec).selector, pods)
      if (role === 'serving' && selected.some((pod) => pod.labels[TRACK_LABEL] === 'shadow')) {
        problems.push(
          problem(
            gateway.owner,
            'shadow-isolated',
            `${where}: serves clients from Service ${name}, which selects shadow pods; make it the route's shadow`,
          ),
        )
      }
      // The code behind the Service: its pods' containers, named after their service.
      const backends = new Set(
        selected
          .flatMap((pod) => pod.containers.map((c) => str(c.name) ?? ''))
          .filter((backend) => backend in SERVICE_SCHEMAS),
      )
      for (const backend of backends) {
        for (const path of paths) {
          const upstreamPath = rewrite(route, path)
          if (serves(backend, upstreamPath)) continue
          fail(
            `${where}: ${path} reaches ${backend} as ${upstreamPath}, which ${backend} does not serve (its GET routes: ${servedPaths(backend).join(', ')})`,
          )
        }
      }
    }
  }
  return problems
}

function routeFlags(
  objects: K8sObject[],
  pod: PodTemplate,
  container: Record<string, unknown>,
  table: ResolvedTable,
) {
  const doc = flagsSource(objects, pod, container)
  if (!doc?.doc) return [] // flags-source says why
  const features = new Map(doc.doc.features.map((feature) => [feature.name, feature]))
  const problems: Problem[] = []
  const fail = (message: string) =>
    problems.push(problem(pod.owner, 'gateway-flags', `${message} (flags: ${doc.origin})`))
  for (const route of table.routes) {
    for (const [field, flag] of [
      ['canary', route.canary?.flag],
      ['shadow', route.shadow?.flag],
      ['experiment', route.experiment?.flag],
    ] as const) {
      if (flag !== undefined && !features.has(flag)) {
        fail(`route ${route.name} ${field} flag ${flag} is not defined: it would be off for everyone`)
      }
    }
    const experiment = route.experiment
    const feature = experiment && features.get(experiment.flag)
    if (!experiment || !feature) continue
    const defined = new Set(
      [...(feature.variants ?? []), ...feature.strategies.flatMap((s) => s.variants ?? [])].map(
        (v) => v.name,
      ),
    )
    const mapped = Object.keys(experiment.variants)
    const missing = mapped.filter((variant) => !defined.has(variant))
    if (missing.length > 0) {
      fail(
        `route ${route.name} maps variants ${mapped.join(', ')} of ${experiment.flag}, which defines ${[...defined].join(', ') || 'none'}: no user would get ${missing.join(', ')}`,
      )
    }
  }
  return problems
}
