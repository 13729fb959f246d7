import type { Plan } from './backend.ts'

export interface RollingOptions {
  /** The Deployments rolled, one after another. */
  deployments: string[]
  /** The version they roll to; undefined: a restart (`kubectl rollout restart`) of the same one. */
  toVersion?: string
  /** The report's strategy name (recreate is a Deployment with the Recreate strategy, rolled the same way). */
  name?: string
  description: string
}

/** A Deployment update with the Deployment's own strategy, of each listed Deployment in turn. */
export function rollingPlan(options: RollingOptions): Plan<Record<string, never>> {
  return {
    name: options.name ?? 'rolling',
    description: options.description,
    toVersion: options.toVersion,
    async execute(b) {
      for (const deployment of options.deployments) {
        b.phase(`rolling ${deployment}`)
        await b.roll(deployment, options.toVersion ? { version: options.toVersion } : {})
        if (b.kind === 'cluster')
          b.events.record({ type: 'rollout-complete', detail: `deployment/${deployment} rolled out` })
      }
    },
    details: () => ({}),
  }
}
