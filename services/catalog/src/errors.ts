import createError from '@fastify/error'

export const ProductNotFoundError = createError(
  'ZDD_CATALOG_PRODUCT_NOT_FOUND',
  'No product with id "%s"; GET /products lists the ids that exist.',
  404,
)

export const InjectedFailureError = createError(
  'ZDD_CATALOG_INJECTED_FAILURE',
  'This build fails %s%% of requests on purpose (CATALOG_ERROR_PERCENT): a bad canary for demos.',
  500,
)
