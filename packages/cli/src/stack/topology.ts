import { randomBytes } from 'node:crypto'
import { DEMO_ROUTE_TABLE, LOCAL_DEMO_ENV } from '@zdd/routes'
import { serviceEntry } from '../paths.ts'
import type { ProcessSpec } from './process.ts'

/** Offsets from the base port, in start order after the gateway; management ports are base + 6000 + offset. */
const MEMBERS = [
  { name: 'catalog', offset: 1, service: 'catalog', env: { APP_VERSION: 'v1' }, label: 'v1' },
  { name: 'catalog-canary', offset: 2, service: 'catalog', env: { APP_VERSION: 'v2' }, label: 'v2' },
  {
    name: 'recommendations-a',
    offset: 3,
    service: 'recommendations',
    env: { APP_VERSION: 'a', RECOMMENDATIONS_ALGORITHM: 'popular' },
    label: 'popular',
  },
  {
    name: 'recommendations-b',
    offset: 4,
    service: 'recommendations',
    env: { APP_VERSION: 'b', RECOMMENDATIONS_ALGORITHM: 'personalized' },
    label: 'personalized',
  },
] as const

export const MANAGEMENT_OFFSET = 6000

export interface Stack {
  gateway: ProcessSpec
  backends: (ProcessSpec & { label: string })[]
}

/**
 * The local stack on consecutive ports from `base` (3000 by default, the gateway's demo topology), with
 * the gateway's demo route table pointed at exactly these ports.
 */
export function localStack(base: number, shared: Record<string, string>): Stack {
  const backends = MEMBERS.map((member) => ({
    name: member.name,
    label: member.label,
    entry: serviceEntry(member.service),
    port: base + member.offset,
    managementPort: base + MANAGEMENT_OFFSET + member.offset,
    env: { ...shared, ...member.env },
  }))
  const upstreams = Object.fromEntries(backends.map((b) => [b.name, `http://127.0.0.1:${b.port}`]))
  const routes = { ...DEMO_ROUTE_TABLE, upstreams: { ...DEMO_ROUTE_TABLE.upstreams, ...upstreams } }
  return {
    gateway: {
      name: 'gateway',
      entry: serviceEntry('gateway'),
      port: base,
      managementPort: base + MANAGEMENT_OFFSET,
      env: {
        ...shared,
        APP_VERSION: 'v1',
        GATEWAY_ROUTES: JSON.stringify(routes),
        // On this machine: curl -H 'x-zdd-user: …' names a user, the page is on. One signing key per
        // `zdd up`, so browsers keep their bucket across the gateway's supervised restarts.
        ...LOCAL_DEMO_ENV,
        GATEWAY_USER_SECRET: randomBytes(32).toString('hex'),
      },
    },
    backends,
  }
}
