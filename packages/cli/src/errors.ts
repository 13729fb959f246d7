import createError from '@fastify/error'

export const UsageError = createError(
  'ZDD_CLI_USAGE',
  '%s\nRun `zdd help` for the commands and their options.',
)

export const ServiceNotBuiltError = createError(
  'ZDD_CLI_SERVICE_NOT_BUILT',
  '%s is missing: run `pnpm build` first (zdd starts the services of the checkout it runs from).',
)
