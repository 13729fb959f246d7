import { FLAG } from '@zdd/flags'
import type { RouteTable } from './schema.ts'

/**
 * Ports of the local demo (`zdd up`): traffic ports 30xx, management ports 90xx. One constant, so the CLI
 * starts every process where the gateway's demo route table expects it.
 */
export const DEMO_TOPOLOGY = {
  gateway: { port: 3000, managementPort: 9000 },
  catalog: { port: 3001, managementPort: 9001 },
  'catalog-canary': { port: 3002, managementPort: 9002 },
  'recommendations-a': { port: 3003, managementPort: 9003 },
  'recommendations-b': { port: 3004, managementPort: 9004 },
} as const

const local = (name: Exclude<keyof typeof DEMO_TOPOLOGY, 'gateway'>) =>
  `http://127.0.0.1:${DEMO_TOPOLOGY[name].port}`

/**
 * The route table used when neither GATEWAY_ROUTES nor GATEWAY_ROUTES_FILE is set, with the demo flags of
 * @zdd/flags.
 */
export const DEMO_ROUTE_TABLE: RouteTable = {
  upstreams: {
    catalog: local('catalog'),
    'catalog-canary': local('catalog-canary'),
    'recommendations-a': local('recommendations-a'),
    'recommendations-b': local('recommendations-b'),
  },
  routes: [
    {
      name: 'catalog',
      prefix: '/api/catalog',
      upstream: 'catalog',
      probe: '/api/catalog/products',
      canary: { flag: FLAG.catalogCanary, upstream: 'catalog-canary' },
    },
    {
      name: 'recommendations',
      prefix: '/api/recommendations',
      rewritePrefix: '/recommendations',
      upstream: 'recommendations-a',
      experiment: {
        flag: FLAG.abExperiment,
        variants: { a: 'recommendations-a', b: 'recommendations-b' },
      },
      // While the switch is on, reads served by -a are mirrored to -b, and the items compared (a request is
      // never mirrored to the upstream that served it): shadow_requests_total shows how often the
      // personalized algorithm would have answered differently.
      shadow: { upstream: 'recommendations-b', flag: FLAG.shadow, ignore: ['version', 'algorithm'] },
    },
  ],
}

/**
 * For runs on one machine only (`zdd up`, the harness, the benches): the load generator on 127.0.0.1 names
 * its users with `x-zdd-user`, as an authenticating proxy in front would, and the demo page is on. Never in
 * a cluster: there, users are named by the signed cookie (or a real authenticating proxy).
 */
export const LOCAL_DEMO_ENV = {
  TRUST_PROXY: '127.0.0.1',
  GATEWAY_USER_HEADER: 'x-zdd-user',
  GATEWAY_DEMO_PAGE: 'true',
} as const
