import { readFileSync } from 'node:fs'
import { Value } from '@sinclair/typebox/value'
import { InvalidRouteTableError } from './errors.ts'
import { type HttpMethod, type RouteEntry, RouteTable } from './schema.ts'

/** A route table entry with its defaults applied and every upstream name checked against `upstreams`. */
export interface ResolvedRoute {
  name: string
  prefix: string
  rewritePrefix: string
  upstream: string
  /** What the web page's live panel requests to watch this route. */
  probe: string
  canary?: { flag: string; upstream: string }
  experiment?: { flag: string; variants: Readonly<Record<string, string>> }
  shadow?: { upstream: string; flag?: string; methods: ReadonlySet<HttpMethod>; ignore: readonly string[] }
}

export interface ResolvedTable {
  /** Where the table came from, for logs and errors. */
  source: string
  /** Upstream name → origin (`http://host:port`, no trailing slash). */
  upstreams: ReadonlyMap<string, string>
  routes: readonly ResolvedRoute[]
}

/** Paths the gateway serves itself; no route may claim them. */
export const RESERVED_PREFIXES = ['/_zdd'] as const

const DEFAULT_SHADOW_METHODS: readonly HttpMethod[] = ['GET', 'HEAD']

/**
 * Reads the route table from `GATEWAY_ROUTES` (JSON) or `GATEWAY_ROUTES_FILE`, or takes `fallback` when
 * neither is set. Every problem is reported at once, each naming its entry (`routes[1] "recommendations"`).
 */
export function loadRouteTable(
  opts: { json?: string | undefined; file?: string | undefined },
  fallback: RouteTable,
): ResolvedTable {
  if (opts.json !== undefined && opts.file !== undefined) {
    throw new InvalidRouteTableError(
      'GATEWAY_ROUTES and GATEWAY_ROUTES_FILE',
      '  - set only one of GATEWAY_ROUTES (inline JSON) and GATEWAY_ROUTES_FILE (a path)',
    )
  }
  if (opts.json !== undefined) return resolveRouteTable(parse(opts.json, 'GATEWAY_ROUTES'), 'GATEWAY_ROUTES')
  if (opts.file !== undefined) {
    const source = `GATEWAY_ROUTES_FILE=${opts.file}`
    let text: string
    try {
      text = readFileSync(opts.file, 'utf8')
    } catch (err) {
      throw new InvalidRouteTableError(source, `  - cannot read the file: ${(err as Error).message}`)
    }
    return resolveRouteTable(parse(text, source), source)
  }
  return resolveRouteTable(fallback, 'the built-in demo table')
}

function parse(text: string, source: string): unknown {
  try {
    return JSON.parse(text)
  } catch (err) {
    throw new InvalidRouteTableError(source, `  - not JSON: ${(err as Error).message}`)
  }
}

/** Validates a table (schema, then cross-references) and resolves it. Exported for tests and the CLI. */
export function resolveRouteTable(input: unknown, source: string): ResolvedTable {
  const problems = schemaProblems(input)
  if (problems.length > 0) throw new InvalidRouteTableError(source, problems.join('\n'))
  const table = input as RouteTable
  const crossProblems = referenceProblems(table)
  if (crossProblems.length > 0) throw new InvalidRouteTableError(source, crossProblems.join('\n'))
  const upstreams = new Map(
    Object.entries(table.upstreams).map(([name, url]) => [name, url.replace(/\/$/, '')]),
  )
  return Object.freeze({ source, upstreams, routes: Object.freeze(table.routes.map(resolveRoute)) })
}

function resolveRoute(route: RouteEntry): ResolvedRoute {
  const resolved: ResolvedRoute = {
    name: route.name,
    prefix: route.prefix,
    rewritePrefix: route.rewritePrefix ?? '',
    upstream: route.upstream,
    probe: route.probe ?? route.prefix,
  }
  if (route.canary) resolved.canary = { ...route.canary }
  if (route.experiment)
    resolved.experiment = { flag: route.experiment.flag, variants: { ...route.experiment.variants } }
  if (route.shadow) {
    resolved.shadow = {
      upstream: route.shadow.upstream,
      methods: new Set(route.shadow.methods ?? DEFAULT_SHADOW_METHODS),
      ignore: route.shadow.ignore ?? [],
      ...(route.shadow.flag === undefined ? {} : { flag: route.shadow.flag }),
    }
  }
  return Object.freeze(resolved)
}

function schemaProblems(input: unknown): string[] {
  const seen = new Set<string>()
  const problems: string[] = []
  for (const error of Value.Errors(RouteTable, input)) {
    if (seen.has(error.path)) continue
    seen.add(error.path)
    const hint = (error.schema as { description?: string }).description
    const got = error.value === undefined ? 'missing' : `got ${JSON.stringify(error.value)}`
    problems.push(
      `  - ${describe(input, error.path)} (${got}): ${error.message.charAt(0).toLowerCase()}${error.message.slice(1)}${hint ? `: ${hint}` : ''}`,
    )
  }
  return problems
}

/** `/routes/1/shadow/upstream` → `routes[1] "recommendations" shadow.upstream`. */
function describe(input: unknown, path: string): string {
  const parts = path.split('/').slice(1)
  if (parts.length === 0) return 'the table'
  const [top, index, ...rest] = parts
  if (top === 'routes' && index !== undefined && /^\d+$/.test(index)) {
    const name = (input as { routes?: Array<{ name?: unknown }> }).routes?.[Number(index)]?.name
    const label = typeof name === 'string' ? ` "${name}"` : ''
    return `routes[${index}]${label}${rest.length > 0 ? ` ${rest.join('.')}` : ''}`
  }
  return parts.join('.')
}

function referenceProblems(table: RouteTable): string[] {
  const problems: string[] = []
  const names = new Set<string>()
  const prefixes = new Set<string>()
  table.routes.forEach((route, index) => {
    const entry = `routes[${index}] "${route.name}"`
    const unknown = (field: string, upstream: string) => {
      if (!(upstream in table.upstreams)) {
        const known = Object.keys(table.upstreams).join(', ') || 'none'
        problems.push(
          `  - ${entry} ${field} (got "${upstream}"): no such upstream; known upstreams: ${known}`,
        )
      }
    }
    if (names.has(route.name)) problems.push(`  - ${entry} name: another route already has this name`)
    names.add(route.name)
    if (prefixes.has(route.prefix))
      problems.push(`  - ${entry} prefix (got "${route.prefix}"): another route has it`)
    prefixes.add(route.prefix)
    for (const reserved of RESERVED_PREFIXES) {
      if (route.prefix === reserved || route.prefix.startsWith(`${reserved}/`)) {
        problems.push(
          `  - ${entry} prefix (got "${route.prefix}"): ${reserved} is reserved for the gateway itself`,
        )
      }
    }
    const probeRest = route.probe?.slice(route.prefix.length)
    if (
      route.probe !== undefined &&
      (!route.probe.startsWith(route.prefix) || !/^(?:$|[/?])/.test(probeRest ?? ''))
    ) {
      problems.push(
        `  - ${entry} probe (got "${route.probe}"): must be a path under the prefix ${route.prefix}`,
      )
    }
    unknown('upstream', route.upstream)
    if (route.canary) unknown('canary.upstream', route.canary.upstream)
    if (route.shadow) unknown('shadow.upstream', route.shadow.upstream)
    for (const [variant, upstream] of Object.entries(route.experiment?.variants ?? {})) {
      unknown(`experiment.variants.${variant}`, upstream)
    }
  })
  return problems
}
