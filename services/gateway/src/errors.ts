import createError from '@fastify/error'

// One registry for the gateway: every error a user or an operator can meet, with a code and what to do.

export const InvalidGatewayConfigError = createError(
  'ZDD_GATEWAY_INVALID_CONFIG',
  'Invalid gateway configuration; fix these variables and restart:\n%s',
)

export const RouteNotFoundError = createError(
  'ZDD_GATEWAY_ROUTE_NOT_FOUND',
  'No route for %s %s; the gateway routes these path prefixes: %s.',
  404,
)

export const UpstreamUnavailableError = createError(
  'ZDD_GATEWAY_UPSTREAM_UNAVAILABLE',
  'Upstream "%s" for route "%s" is not accepting connections; retry after the Retry-After delay.',
  503,
)

export const UpstreamTimeoutError = createError<
  'ZDD_GATEWAY_UPSTREAM_TIMEOUT',
  504,
  [upstream: string, route: string, what: string, ms: number, variable: string]
>(
  'ZDD_GATEWAY_UPSTREAM_TIMEOUT',
  'Upstream "%s" for route "%s" did not %s within %d ms; retry later, or raise %s if the upstream is slow by design.',
  504,
)

export const BadUpstreamResponseError = createError(
  'ZDD_GATEWAY_BAD_UPSTREAM_RESPONSE',
  'Upstream "%s" for route "%s" failed mid-exchange (%s); retry later.',
  502,
)

export const InternalGatewayError = createError(
  'ZDD_GATEWAY_INTERNAL',
  'The gateway failed to handle this request; it was logged, retry later.',
  500,
)

export const BadPathError = createError(
  'ZDD_GATEWAY_BAD_PATH',
  'The request target %s is not forwarded: it has %s.',
  400,
)
