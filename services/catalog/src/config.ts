import { Type } from '@sinclair/typebox'
import { FlagsEnv } from '@zdd/flags'
import { serviceEnv } from '@zdd/lifecycle'

export const CatalogEnv = serviceEnv({
  ...FlagsEnv.properties,
  CATALOG_LATENCY_MS: Type.Integer({
    minimum: 0,
    maximum: 5000,
    default: 0,
    description: 'artificial latency added to every /products request, for demos (0-5000 ms)',
  }),
  CATALOG_ERROR_PERCENT: Type.Integer({
    minimum: 0,
    maximum: 100,
    default: 0,
    description:
      'share of /products requests answered 500, spread evenly, to make a bad build for canary demos (0-100 %)',
  }),
  CATALOG_DISCOUNT_PERCENT: Type.Integer({
    minimum: 1,
    maximum: 90,
    default: 20,
    description: 'discount shown to users for whom the catalog-discount feature switch is on (1-90 %)',
  }),
})
