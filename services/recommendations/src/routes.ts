import { setTimeout as sleep } from 'node:timers/promises'
import { Type } from '@sinclair/typebox'
import { resolveUserId, USER_HEADER } from '@zdd/flags'
import type { FastifyInstance } from 'fastify'
import type { ALGORITHMS } from './config.ts'
import { personalized, popular } from './items.ts'

const Query = Type.Object({ limit: Type.Integer({ minimum: 1, maximum: 5, default: 3 }) })

export interface RecommendationRoutesOptions {
  algorithm: (typeof ALGORITHMS)[number]
  latencyMs: number
  version: string
}

export function recommendationRoutes(app: FastifyInstance, opts: RecommendationRoutesOptions): void {
  app.get<{ Querystring: { limit: number } }>(
    '/recommendations',
    { schema: { querystring: Query } },
    async (request) => {
      if (opts.latencyMs > 0) await sleep(opts.latencyMs)
      // The gateway names the user in x-zdd-user and baggage; cookies are the gateway's business.
      const userId = resolveUserId({ header: request.headers[USER_HEADER], baggage: request.headers.baggage })
      const { limit } = request.query
      const items = opts.algorithm === 'personalized' ? personalized(userId, limit) : popular(limit)
      return { version: opts.version, algorithm: opts.algorithm, userId: userId ?? null, items }
    },
  )
}
