import type { TestContext } from 'node:test'
import { fileURLToPath } from 'node:url'
import type { RouteTable } from '@zdd/routes'
import { type ServiceProcess, startService as startLifecycleService } from '@zdd/test-support'

export type { LogLine, ServiceProcess } from '@zdd/test-support'

/** Options for every process test: a child that hangs fails its test instead of stalling the run. */
export const E2E = { timeout: 60_000 }

const MAIN = fileURLToPath(new URL('../../src/main.ts', import.meta.url))

export type GatewayProcess = ServiceProcess

/**
 * Forks the gateway (src/main.ts, run by Node as it is) with its own free ports, a clean environment and
 * the given route table, waits until /readyz answers 200, and kills it after the test whatever happened.
 */
export function startGateway(
  t: TestContext,
  opts: {
    routes?: RouteTable
    env?: Record<string, string>
    ready?: boolean
    /**
     * false: the test is a client from the internet. Default: the test acts as a trusted authenticating
     * proxy on 127.0.0.1 naming users with x-zdd-user (TRUST_PROXY, GATEWAY_USER_HEADER), and the demo page
     * is on.
     */
    trustedClient?: boolean
  },
): Promise<GatewayProcess> {
  const trusted: Record<string, string> =
    opts.trustedClient === false
      ? {}
      : { TRUST_PROXY: '127.0.0.1', GATEWAY_USER_HEADER: 'x-zdd-user', GATEWAY_DEMO_PAGE: 'true' }
  const env = {
    ...trusted,
    ...(opts.routes ? { GATEWAY_ROUTES: JSON.stringify(opts.routes) } : {}),
    ...opts.env,
  }
  return startService(t, MAIN, env, opts.ready)
}

/** Forks any service built on @zdd/lifecycle (`main` is its entry file) the same way. */
export function startService(
  t: TestContext,
  main: string,
  env: Record<string, string> = {},
  ready = true,
): Promise<ServiceProcess> {
  return startLifecycleService(t, main, env, { ready })
}

/** One sample of a counter from Prometheus text, by its labels (0 when absent). */
export function metricValue(text: string, name: string, labels: Record<string, string>): number {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`)) continue
    const matches = Object.entries(labels).every(([key, value]) => line.includes(`${key}="${value}"`))
    if (matches) return Number(line.slice(line.lastIndexOf(' ') + 1))
  }
  return 0
}
