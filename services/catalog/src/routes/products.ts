import { setTimeout as sleep } from 'node:timers/promises'
import { Type } from '@sinclair/typebox'
import type { FastifyInstance } from 'fastify'
import { ProductNotFoundError } from '../errors.ts'
import { findProduct, PRODUCTS } from '../products.ts'

const ProductParams = Type.Object({ id: Type.String({ pattern: '^[a-z0-9-]{1,32}$' }) })

export function productRoutes(app: FastifyInstance, opts: { latencyMs: number; version: string }): void {
  const pause = async () => {
    if (opts.latencyMs > 0) await sleep(opts.latencyMs)
  }

  app.get('/products', async () => {
    await pause()
    return { version: opts.version, items: PRODUCTS }
  })

  app.get<{ Params: { id: string } }>(
    '/products/:id',
    { schema: { params: ProductParams } },
    async (request) => {
      await pause()
      const product = findProduct(request.params.id)
      if (!product) throw new ProductNotFoundError(request.params.id)
      return { version: opts.version, item: product }
    },
  )
}
