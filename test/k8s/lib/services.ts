// What the manifests are checked against on the code side: each service's config schema (imported from the
// built packages, so run `pnpm build` first) and what @zdd/lifecycle serves on which port (read from its
// source, so renaming a probe route or a port variable breaks these tests, not a rollout). The routes each
// service serves and the paths the gateway's page requests are read from their sources too (routes.ts).
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { CatalogEnv } from '@zdd/catalog'
import { FlagsEnv } from '@zdd/flags'
import { GatewayEnv } from '@zdd/gateway'
import { LifecycleEnv, type loadConfig } from '@zdd/lifecycle'
import { RecommendationsEnv } from '@zdd/recommendations'
// Not in @zdd/gateway's exports map: the gateway runs it at boot, after loadConfig(), on fields that must
// nest (GATEWAY_UPSTREAM_TIMEOUT_MS < REQUEST_TIMEOUT_MS). Imported from the build output by path.
import { checkGatewayConfig } from '../../../services/gateway/dist/config.js'

export type EnvSchema = Parameters<typeof loadConfig>[0]

/** Service (= its container's name) -> the env schema it validates at boot. Add each new service here. */
export const SERVICE_SCHEMAS: Record<string, EnvSchema> = {
  gateway: GatewayEnv,
  catalog: CatalogEnv,
  recommendations: RecommendationsEnv,
}

/** Checks a service runs on its loaded config before it starts (they throw naming each bad variable). */
export const CONFIG_CHECKS: Record<string, (config: never) => void> = {
  gateway: checkGatewayConfig,
}

// The drain, port and probe checks read lifecycle variables from these schemas: each must extend LifecycleEnv.
for (const [service, schema] of Object.entries(SERVICE_SCHEMAS)) {
  const missing = Object.keys(LifecycleEnv.properties).filter((key) => !(key in schema.properties))
  if (missing.length > 0)
    throw new Error(`the ${service} env schema lacks LifecycleEnv's ${missing.join(', ')}`)
}

/** Whether a service evaluates flags: its schema has @zdd/flags' variables (FLAGS_FILE, UNLEASH_*). */
export function readsFlags(schema: EnvSchema | undefined): boolean {
  return schema !== undefined && Object.keys(FlagsEnv.properties).every((key) => key in schema.properties)
}

const REPO = fileURLToPath(new URL('../../../', import.meta.url))
const LIFECYCLE_SRC = `${REPO}packages/lifecycle/src/`

/** GET routes of the management server, from `app.get('/path', ...)` calls in management.ts. */
export const MANAGEMENT_ROUTES: ReadonlySet<string> = (() => {
  const source = readFileSync(`${LIFECYCLE_SRC}management.ts`, 'utf8')
  const routes = new Set<string>()
  for (const match of source.matchAll(/\bapp\.get\(\s*(['"`])(\/[^'"`$]*)\1/g)) routes.add(match[2]!)
  if (routes.size === 0) throw new Error(`no app.get('/...') routes found in ${LIFECYCLE_SRC}management.ts`)
  return routes
})()

/**
 * The config variables each server listens on, from `<server>.listen({ port: config.VAR ...` in service.ts
 * (the traffic server) and attach.ts (the management server).
 */
export const LISTEN_PORT_VARS: Readonly<{ management: string; traffic: string }> = (() => {
  const source = ['service.ts', 'attach.ts']
    .map((file) => readFileSync(`${LIFECYCLE_SRC}${file}`, 'utf8'))
    .join('\n')
  const portVar = (server: string) => {
    const match = new RegExp(`\\b${server}\\.listen\\(\\{\\s*port:\\s*\\w+\\.(\\w+)`).exec(source)
    if (!match)
      throw new Error(
        `no ${server}.listen({ port: <config>.VAR }) found in ${LIFECYCLE_SRC}service.ts or attach.ts`,
      )
    const variable = match[1]!
    if (!(variable in LifecycleEnv.properties))
      throw new Error(`${server} listens on ${variable}, not a LifecycleEnv variable`)
    return variable
  }
  return { management: portVar('management'), traffic: portVar('app') }
})()

/** The container port names the manifests use for those two servers. */
export const PORT_NAMES = { traffic: 'http', management: 'management' } as const
