import createError from '@fastify/error'

export const UsageError = createError(
  'ZDD_CLI_USAGE',
  '%s\nRun `zdd help` for the commands and their options.',
)

export const ServiceNotBuiltError = createError(
  'ZDD_CLI_SERVICE_NOT_BUILT',
  '%s is missing: run `pnpm build` first (zdd starts the services of the checkout it runs from).',
)

export const NoRolloutError = createError(
  'ZDD_CLI_NO_ROLLOUT',
  'No progressive rollout of %s has published its state in %s: start one with `zdd demo progressive` (or pass --state-dir where it runs).',
)

export const RolloutCommandError = createError('ZDD_CLI_ROLLOUT_COMMAND', 'Cannot %s the rollout of %s: %s')
