// The one minimal service every shutdown variant wires its own way: the same route (GET /products, the
// catalog's answer shape), the same `x-served-by: <service>@<version>/<pod>` header the rollout harness
// attributes answers with, the same PORT / MANAGEMENT_PORT / HOST environment. What differs between the
// variants is only what happens on SIGTERM and how health is reported.
import Fastify, { type FastifyInstance } from 'fastify'

export interface VariantEnv {
  port: number
  managementPort: number
  host: string
  version: string
  pod: string
  /** The harness's SHUTDOWN_DELAY_MS: given to the libraries that have a delay knob, ignored by the others. */
  shutdownDelayMs: number
}

const PRODUCTS = Object.freeze([
  { id: 'p-100', name: 'Blue-green mug', priceCents: 1200 },
  { id: 'p-101', name: 'Canary sticker pack', priceCents: 400 },
  { id: 'p-102', name: 'Rolling-update hoodie', priceCents: 4500 },
  { id: 'p-103', name: 'PodDisruptionBudget poster', priceCents: 1500 },
  { id: 'p-104', name: 'preStop sleep mask', priceCents: 900 },
])

/** What the harness passes each pod (pod.ts): plain env reading, as these apps do in the wild. */
export function readEnv(env: NodeJS.ProcessEnv = process.env): VariantEnv {
  const int = (name: string, fallback: number) => {
    const value = Number.parseInt(env[name] ?? '', 10)
    return Number.isInteger(value) ? value : fallback
  }
  return {
    port: int('PORT', 8080),
    managementPort: int('MANAGEMENT_PORT', 9090),
    host: env.HOST ?? '127.0.0.1',
    version: env.APP_VERSION ?? '0.0.0-dev',
    pod: env.POD_NAME ?? 'local',
    shutdownDelayMs: int('SHUTDOWN_DELAY_MS', 0),
  }
}

export function servedBy(variant: string, env: VariantEnv): string {
  return `${variant}@${env.version}/${env.pod}`
}

/**
 * Registers the shared route. `header` is the x-served-by value to set; @zdd/lifecycle sets its own, so
 * that variant passes none.
 */
export function productRoutes(app: FastifyInstance, version: string, header?: string): void {
  app.get('/products', async (_request, reply) => {
    if (header) reply.header('x-served-by', header)
    return { version, items: PRODUCTS }
  })
}

/** A Fastify app with Fastify's defaults (as each library's README starts from) and the shared route. */
export function createApp(variant: string, env: VariantEnv): FastifyInstance {
  const app = Fastify()
  productRoutes(app, env.version, servedBy(variant, env))
  return app
}

/**
 * The health endpoint typical in the wild when a library provides none: always 200 on the traffic port,
 * so it fails only once the listener is gone.
 */
export function naiveHealth(app: FastifyInstance): void {
  app.get('/healthz', async () => ({ status: 'ok' }))
}

export const NAIVE_HEALTH_PATH = '/healthz'
