import createError from '@fastify/error'

// One registry for the package. The code keeps the gateway's prefix: the gateway is what refuses to start
// with a bad table, and operators match on ZDD_GATEWAY_INVALID_ROUTE_TABLE.

export const InvalidRouteTableError = createError(
  'ZDD_GATEWAY_INVALID_ROUTE_TABLE',
  'Invalid route table from %s; fix these entries and restart:\n%s',
)
