import { FLAG } from '@zdd/flags'
import type { RouteTable } from '@zdd/routes'
import type { Upstream } from './upstream.ts'

/** The catalog behind /api/catalog; with a canary, the catalog-canary flag sends a share of users to it. */
export function catalogRoutes(stable: Pick<Upstream, 'url'>, canary?: Pick<Upstream, 'url'>): RouteTable {
  return {
    upstreams: { catalog: stable.url, ...(canary ? { 'catalog-canary': canary.url } : {}) },
    routes: [
      {
        name: 'catalog',
        prefix: '/api/catalog',
        upstream: 'catalog',
        ...(canary ? { canary: { flag: FLAG.catalogCanary, upstream: 'catalog-canary' } } : {}),
      },
    ],
  }
}
