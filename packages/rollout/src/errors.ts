import createError from '@fastify/error'

/** One message for every invalid option at once: "<option> <rule> (got <value>)", separated by "; ". */
export const InvalidOptionError = createError('ZDD_ROLLOUT_INVALID_OPTION', 'Invalid options: %s')

export const PodStartError = createError(
  'ZDD_ROLLOUT_POD_START_FAILED',
  'Pod %s did not become ready within %s ms. Its last log lines:\n%s',
)

export const RolloutTimeoutError = createError(
  'ZDD_ROLLOUT_TIMEOUT',
  'The %s rollout did not complete within %s ms; pods: %s',
)

export const DrainTimeoutError = createError(
  'ZDD_ROLLOUT_DRAIN_TIMEOUT',
  'Draining %s did not finish within %s ms: %s. A PodDisruptionBudget that can never be met (minAvailable ≥ replicas) blocks a drain forever; lower it.',
)

export const UnknownScenarioError = createError(
  'ZDD_ROLLOUT_UNKNOWN_SCENARIO',
  'No scenario "%s"; known: %s. A scenario is a scenarios/<kind>.scenario.ts file exporting defineScenario(...).',
)

export const DuplicateScenarioError = createError(
  'ZDD_ROLLOUT_DUPLICATE_SCENARIO',
  'Scenario "%s" is defined twice: give the new one another kind.',
)

export const ScenarioModuleError = createError(
  'ZDD_ROLLOUT_SCENARIO_MODULE',
  '%s does not export a scenario: its default export must be defineScenario({ kind, options, runner, ... }).',
)

export const NoSchedulableNodeError = createError(
  'ZDD_ROLLOUT_NO_SCHEDULABLE_NODE',
  'No schedulable node for a new pod: all %s nodes are cordoned. Run with more nodes.',
)

export const NoTemplateError = createError(
  'ZDD_ROLLOUT_NO_TEMPLATE',
  'Deployment %s has no pod template yet: create() it before scaling or replacing pods.',
)
