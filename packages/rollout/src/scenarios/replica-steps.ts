import type { RunSettings } from '../run/options.ts'
import type { Problem } from '../schema/rules.ts'

/**
 * What the replica-ratio canaries (canary, progressive) share: 4 replicas, connections that turn over so
 * new ones reach new endpoints, default steps below the replicas, and the checks across options.
 */
export const REPLICA_STEPS = {
  runDefaults: { replicas: 4, maxRequestsPerConnection: 10 },
  // Below the replicas; with fewer than 2 the check names --replicas rather than an empty default.
  defaultsFor: (run: RunSettings) => ({ steps: [1, 2].filter((n) => n < Math.max(2, run.replicas)) }),
  check(scenario: { steps: number[] }, run: RunSettings): Problem[] {
    if (run.replicas < 2)
      return [{ option: 'replicas', rule: 'must be at least 2 for a canary', got: run.replicas }]
    const last = scenario.steps.at(-1) ?? 0
    return last < run.replicas
      ? []
      : [{ option: 'steps', rule: `must stay below the replicas (${run.replicas})`, got: scenario.steps }]
  },
}
