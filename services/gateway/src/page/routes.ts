import type { FlagSummary } from '@zdd/flags'
import type { ResolvedTable } from '@zdd/routes'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { type Cohort, decide } from '../routes/decide.ts'
import { PAGE_CSP, PAGE_HTML } from './html.ts'

export interface PageOptions {
  table: ResolvedTable
  listFlags: () => FlagSummary[]
  cohortOf: (request: FastifyRequest) => Cohort
  servedBy: string
}

/** `/`: the web page. `/_zdd/session`: what the page shows about you (your cohort, the flags in use). */
export function pageRoutes(app: FastifyInstance, opts: PageOptions): void {
  app.get('/', async (_request, reply) => {
    return reply
      .type('text/html; charset=utf-8')
      .header('content-security-policy', PAGE_CSP)
      .header('cache-control', 'no-store')
      .send(PAGE_HTML)
  })

  app.get('/_zdd/session', async (request, reply) => {
    const cohort = opts.cohortOf(request)
    reply.header('cache-control', 'no-store')
    return {
      userId: cohort.userId,
      gateway: opts.servedBy,
      routes: opts.table.routes.map((route) => ({
        ...decide(route, cohort, undefined),
        prefix: route.prefix,
        probe: route.probe,
      })),
      flags: opts.listFlags().map((flag) => {
        const forYou = cohort.isEnabled(flag.name)
        return {
          ...flag,
          forYou,
          ...(flag.variants ? { variant: cohort.variant(flag.name).name } : {}),
        }
      }),
    }
  })
}
