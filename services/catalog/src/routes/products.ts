import { setTimeout as sleep } from 'node:timers/promises'
import { Type } from '@sinclair/typebox'
import { FLAG } from '@zdd/flags'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { discounted } from '../discount.ts'
import { ProductNotFoundError } from '../errors.ts'
import { findProduct, PRODUCTS, type Product } from '../products.ts'

const ProductParams = Type.Object({ id: Type.String({ pattern: '^[a-z0-9-]{1,32}$' }) })

export interface ProductRoutesOptions {
  latencyMs: number
  version: string
  discountPercent: number
}

export function productRoutes(app: FastifyInstance, opts: ProductRoutesOptions): void {
  // Feature switch, evaluated per request with the user's context; off = exactly the original response.
  const priced = (request: FastifyRequest, product: Product) =>
    request.flags.isEnabled(FLAG.catalogDiscount) ? discounted(product, opts.discountPercent) : product
  const pause = async () => {
    if (opts.latencyMs > 0) await sleep(opts.latencyMs)
  }

  app.get('/products', async (request) => {
    await pause()
    return { version: opts.version, items: PRODUCTS.map((product) => priced(request, product)) }
  })

  app.get<{ Params: { id: string } }>(
    '/products/:id',
    { schema: { params: ProductParams } },
    async (request) => {
      await pause()
      const product = findProduct(request.params.id)
      if (!product) throw new ProductNotFoundError(request.params.id)
      return { version: opts.version, item: priced(request, product) }
    },
  )
}
