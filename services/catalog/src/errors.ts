import createError from '@fastify/error'

export const ProductNotFoundError = createError(
  'ZDD_CATALOG_PRODUCT_NOT_FOUND',
  'No product with id "%s"; GET /products lists the ids that exist.',
  404,
)
