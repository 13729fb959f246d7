import { type ClusterScenario, restartAndWait } from './context.ts'

/** The acceptance run: `kubectl rollout restart` of catalog (3 replicas), then of the gateway itself. */
export function rolling(roll: readonly string[] = ['catalog', 'gateway']): ClusterScenario {
  return {
    name: 'rolling',
    description: `kubectl rollout restart of ${roll.map((d) => `deployment/${d}`).join(', then ')}`,
    rolled: [...roll],
    async execute(ctx) {
      for (const deployment of roll) await restartAndWait(ctx, deployment)
    },
  }
}
