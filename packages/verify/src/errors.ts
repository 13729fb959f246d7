import createError from '@fastify/error'

// One registry for the package: every error a user can meet, with a code and what to do about it.
export const InvalidVerifyOptionsError = createError(
  'ZDD_VERIFY_INVALID_OPTIONS',
  'Invalid options; fix these and run again:\n%s',
)

export const NoCommandError = createError(
  'ZDD_VERIFY_NO_COMMAND',
  'No command to verify: give it after `--`, e.g. `zdd verify -- node server.js` or `zdd verify -- ./my-service`.',
)

export const CommandNotStartedError = createError(
  'ZDD_VERIFY_COMMAND_NOT_STARTED',
  'The command "%s" could not be started: %s. Check that it exists and is executable (a path relative to the current folder needs ./).',
)

export const KubectlError = createError(
  'ZDD_VERIFY_KUBECTL',
  '`%s` failed: %s. Check that kubectl reaches the cluster (KUBECONFIG, or `zdd cluster env`) and the names given.',
)

export const NoServiceError = createError(
  'ZDD_VERIFY_NO_SERVICE',
  '%s: %s. Give the Service to load with --service.',
)

export const CommandWithClusterError = createError(
  'ZDD_VERIFY_COMMAND_WITH_CLUSTER',
  'Give either --cluster DEPLOYMENT (roll it in the cluster) or a command after `--` (run it here), not both.',
)
