import createError from '@fastify/error'

export const MissingPrerequisiteError = createError(
  'ZDD_CLUSTER_MISSING_PREREQUISITE',
  'The local cluster needs %s, which this machine lacks. Install it with: %s',
)

export const NotRootError = createError(
  'ZDD_CLUSTER_NOT_ROOT',
  'The local cluster runs a kubelet, a container runtime and iptables rules: run `zdd cluster %s` as root.',
)

export const BuildError = createError(
  'ZDD_CLUSTER_BUILD_FAILED',
  'Building %s failed (exit %s). Its last output lines:\n%s',
)

export const ComponentExitedError = createError(
  'ZDD_CLUSTER_COMPONENT_EXITED',
  '%s exited while the cluster was starting. Its log: %s\nLast lines:\n%s',
)

export const ComponentTimeoutError = createError(
  'ZDD_CLUSTER_COMPONENT_TIMEOUT',
  '%s was not ready within %s s: %s',
)

export const CommandError = createError('ZDD_CLUSTER_COMMAND_FAILED', '`%s` failed (exit %s):\n%s')

export const NotRunningError = createError(
  'ZDD_CLUSTER_NOT_RUNNING',
  'The local cluster is not running: start it with `zdd cluster up`.',
)

export const TraefikStartError = createError(
  'ZDD_CLUSTER_TRAEFIK_START_FAILED',
  'Traefik did not start: %s. Its log: %s\nLast lines:\n%s',
)

export const TraefikWeightError = createError(
  'ZDD_CLUSTER_TRAEFIK_WEIGHT_TIMEOUT',
  'Traefik did not apply %s within %s s; its services last showed: %s',
)
