// Paths read from the service sources: the GET routes each backend registers on its traffic server, and the
// paths the gateway's web page requests. A route table that sends the page's requests nowhere, or rewrites
// them to a path the backend does not serve, renders and boots fine and answers 404 to every user.
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const SERVICES = fileURLToPath(new URL('../../../services/', import.meta.url))

function sources(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts'))
    .map((file) => join(dir, file))
}

interface ServedRoute {
  path: string
  /** `:param` matches one segment. */
  matcher: RegExp
}

const cache = new Map<string, readonly ServedRoute[]>()

/** GET routes of a service's traffic server: `app.get('/path', ...)` (type arguments allowed) in its src/. */
function routesOf(service: string): readonly ServedRoute[] {
  let routes = cache.get(service)
  if (!routes) {
    const found: ServedRoute[] = []
    for (const file of sources(join(SERVICES, service, 'src'))) {
      const text = readFileSync(file, 'utf8')
      for (const match of text.matchAll(/\bapp\.get(?:<[^(]*>)?\(\s*(['"`])(\/[^'"`$]*)\1/g)) {
        const path = match[2]!
        const pattern = path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/:[^/]+/g, '[^/]+')
        found.push({ path, matcher: new RegExp(`^${pattern}$`) })
      }
    }
    routes = found
    cache.set(service, routes)
  }
  return routes
}

export function servedPaths(service: string): string[] {
  return routesOf(service).map((route) => route.path)
}

/** Whether the service answers GET on this path (the query ignored). */
export function serves(service: string, path: string): boolean {
  const bare = path.split('?')[0] ?? path
  return routesOf(service).some((route) => route.matcher.test(bare))
}

/** The gateway's own paths (the session JSON the page reads); no route may claim them. */
const GATEWAY_OWN = /^\/_zdd(\/|$)/

/** Paths the gateway's web page fetches through the route table: `fetch('/...')` and `|| '/...'` defaults. */
export const PAGE_PATHS: readonly string[] = (() => {
  const file = join(SERVICES, 'gateway/src/page/script.ts')
  const text = readFileSync(file, 'utf8')
  const paths = new Set<string>()
  for (const match of text.matchAll(/(?:fetch\(|\|\|\s*)'(\/[^']*)'/g)) {
    if (!GATEWAY_OWN.test(match[1]!)) paths.add(match[1]!)
  }
  if (paths.size === 0) throw new Error(`no fetch('/...') paths found in ${file}`)
  return [...paths]
})()
