import createError from '@fastify/error'

export const UsageError = createError(
  'ZDD_CLI_USAGE',
  '%s\nRun `zdd help` for the commands and their options.',
)
