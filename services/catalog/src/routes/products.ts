import { setTimeout as sleep } from 'node:timers/promises'
import { Type } from '@sinclair/typebox'
import { FLAG } from '@zdd/flags'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { discounted } from '../discount.ts'
import { InjectedFailureError, ProductNotFoundError } from '../errors.ts'
import { findProduct, PRODUCTS, type Product } from '../products.ts'

const ProductParams = Type.Object({ id: Type.String({ pattern: '^[a-z0-9-]{1,32}$' }) })

export interface ProductRoutesOptions {
  latencyMs: number
  /** Share of requests failed on purpose (0-100), spread evenly: request n fails when n·p/100 crosses a whole. */
  errorPercent: number
  version: string
  discountPercent: number
}

export function productRoutes(app: FastifyInstance, opts: ProductRoutesOptions): void {
  // Feature switch, evaluated per request with the user's context; off = exactly the original response.
  const priced = (request: FastifyRequest, product: Product) =>
    request.flags.isEnabled(FLAG.catalogDiscount) ? discounted(product, opts.discountPercent) : product
  let served = 0
  const pause = async () => {
    if (opts.latencyMs > 0) await sleep(opts.latencyMs)
    served += 1
    if (Math.floor((served * opts.errorPercent) / 100) > Math.floor(((served - 1) * opts.errorPercent) / 100))
      throw new InjectedFailureError(opts.errorPercent)
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
