import createError from '@fastify/error'

// One registry for the package: every error a user can meet, with a code and what to do about it.
export const InvalidConfigError = createError(
  'ZDD_LIFECYCLE_INVALID_CONFIG',
  'Invalid configuration in the environment; fix these variables and restart:\n%s',
)

export const StartupCheckFailedError = createError(
  'ZDD_LIFECYCLE_STARTUP_CHECK_FAILED',
  'Start-up check "%s" failed: %s. The service stays not-ready and exits; fix the dependency and restart.',
)

export const ShutdownDeadlineError = createError(
  'ZDD_LIFECYCLE_SHUTDOWN_DEADLINE',
  'Shutdown did not finish within SHUTDOWN_TIMEOUT_MS=%s; still open: %s. Raise SHUTDOWN_TIMEOUT_MS (and the pod grace period) or shorten REQUEST_TIMEOUT_MS.',
)

export const DuplicateHookError = createError(
  'ZDD_LIFECYCLE_DUPLICATE_HOOK',
  'A %s named "%s" is already registered; give each one a unique name.',
)

export const ControlHeaderRequiredError = createError(
  'ZDD_LIFECYCLE_CONTROL_HEADER_REQUIRED',
  'Management controls change what the pod tells Kubernetes: send the header %s: 1 with the POST (a web page cannot send it without the management port allowing it, so no form or link can trigger a control).',
  403,
)
