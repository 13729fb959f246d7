import createError from '@fastify/error'

export const PrometheusMissingError = createError(
  'ZDD_PROMETHEUS_MISSING',
  'Prometheus is not installed (looked for %s). Install it with: apt-get install prometheus (or set ZDD_PROMETHEUS_BIN to its binary)',
)

export const PrometheusStartError = createError(
  'ZDD_PROMETHEUS_START_FAILED',
  'Prometheus did not become ready: %s. Its log: %s\nLast lines:\n%s',
)

export const QueryError = createError('ZDD_PROMETHEUS_QUERY_FAILED', 'PromQL query failed: %s\nquery: %s')
