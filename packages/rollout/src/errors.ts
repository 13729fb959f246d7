import createError from '@fastify/error'

export const InvalidOptionError = createError('ZDD_ROLLOUT_INVALID_OPTION', 'Invalid option %s: %s')

export const PodStartError = createError(
  'ZDD_ROLLOUT_POD_START_FAILED',
  'Pod %s did not become ready within %s ms. Its last log lines:\n%s',
)

export const RolloutTimeoutError = createError(
  'ZDD_ROLLOUT_TIMEOUT',
  'The %s rollout did not complete within %s ms; pods: %s',
)
