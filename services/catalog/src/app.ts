import type { ServiceDefinition } from '@zdd/lifecycle'
import { CatalogEnv } from './config.ts'
import { productRoutes } from './routes/products.ts'

/** The catalog: a small backend whose version is visible in every response (`x-served-by`). */
export const catalogService: ServiceDefinition<typeof CatalogEnv> = {
  name: 'catalog',
  envSchema: CatalogEnv,
  register(app, { config }) {
    productRoutes(app, { latencyMs: config.CATALOG_LATENCY_MS, version: config.APP_VERSION })
  },
}

export { CatalogEnv }
