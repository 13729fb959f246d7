import { Type } from '@sinclair/typebox'
import { serviceEnv } from '@zdd/lifecycle'

export const ALGORITHMS = ['popular', 'personalized'] as const

export const RecommendationsEnv = serviceEnv({
  RECOMMENDATIONS_ALGORITHM: Type.Union(
    ALGORITHMS.map((name) => Type.Literal(name)),
    {
      default: 'popular',
      description: 'popular (the same best-sellers for everyone) or personalized (a per-user pick)',
    },
  ),
  RECOMMENDATIONS_LATENCY_MS: Type.Integer({
    minimum: 0,
    maximum: 5000,
    default: 0,
    description: 'artificial latency added to every request, for demos (0-5000 ms)',
  }),
})
