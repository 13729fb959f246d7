import { Type } from '@sinclair/typebox'
import { serviceEnv } from '@zdd/lifecycle'

export const CatalogEnv = serviceEnv({
  CATALOG_LATENCY_MS: Type.Integer({
    minimum: 0,
    maximum: 5000,
    default: 0,
    description: 'artificial latency added to every /products request, for demos (0-5000 ms)',
  }),
})
