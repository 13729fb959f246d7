import { useFlags } from '@zdd/flags'
import type { ServiceDefinition } from '@zdd/lifecycle'
import { CatalogEnv } from './config.ts'
import { productRoutes } from './routes/products.ts'

/**
 * The catalog: a small backend whose version is visible in every response (`x-served-by`), with one
 * feature switch (`catalog-discount`) evaluated per request for the user the gateway names.
 */
export const catalogService: ServiceDefinition<typeof CatalogEnv> = {
  name: 'catalog',
  envSchema: CatalogEnv,
  register(app, ctx) {
    const { config } = ctx
    useFlags(app, ctx)
    productRoutes(app, {
      latencyMs: config.CATALOG_LATENCY_MS,
      errorPercent: config.CATALOG_ERROR_PERCENT,
      version: config.APP_VERSION,
      discountPercent: config.CATALOG_DISCOUNT_PERCENT,
    })
  },
}

export { CatalogEnv }
