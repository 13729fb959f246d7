import type { ServiceDefinition } from '@zdd/lifecycle'
import { RecommendationsEnv } from './config.ts'
import { recommendationRoutes } from './routes.ts'

/**
 * Recommendations: the A/B experiment's target, deployed twice from one image (a = popular,
 * b = personalized) so the two variants answer visibly differently.
 */
export const recommendationsService: ServiceDefinition<typeof RecommendationsEnv> = {
  name: 'recommendations',
  envSchema: RecommendationsEnv,
  register(app, { config }) {
    recommendationRoutes(app, {
      algorithm: config.RECOMMENDATIONS_ALGORITHM,
      latencyMs: config.RECOMMENDATIONS_LATENCY_MS,
      version: config.APP_VERSION,
    })
  },
}

export { RecommendationsEnv }
