import type { Harness, ServiceFront, ServiceRef } from '../run/harness.ts'
import { type GatewayRun, gatewayRef, type RouteTable, waitForBackendsAndGateway } from './gateway-front.ts'

/** A Deployment behind the gateway, selected by a Service of its own that is also the gateway's upstream. */
export interface GatewayUpstream {
  /** The Service's and the gateway upstream's name; the Deployment's too unless `deployment` says. */
  name: string
  deployment?: string
  /** Labels of its pods beyond `app` (the service's name); the Service selects on all of them. */
  labels: Record<string, string>
  version: string
  replicas: number
  /** The built service its pods run, with their environment. */
  service: ServiceRef
}

/**
 * The app-level scenarios' starting state: each upstream's Deployment behind its Service, and the gateway
 * in front with one route (`route`, its `upstream` the first one's unless it says). Resolves once every
 * pod is an endpoint, with each upstream's Service (in `upstreams`' order). `run.prepare` must have made
 * the run's flags file and the gateway first.
 */
export async function startBehindGateway(
  h: Harness,
  run: GatewayRun,
  upstreams: readonly GatewayUpstream[],
  route: Record<string, unknown>,
): Promise<ServiceFront[]> {
  const { flags, front } = run
  if (!flags || !front) throw new Error('startBehindGateway: call run.prepare(h, …) first')
  const services: ServiceFront[] = []
  for (const upstream of upstreams) {
    services.push(await h.addService(upstream.name, { app: upstream.service.name, ...upstream.labels }))
  }
  const routes: RouteTable = {
    upstreams: Object.fromEntries(upstreams.map((u, i) => [u.name, services[i]?.origin ?? ''])),
    routes: [{ upstream: upstreams[0]?.name, ...route }],
  }
  await Promise.all([
    ...upstreams.map((u) =>
      h.deployment(u.deployment ?? u.name, u.replicas).create(h.template(u.version, u.labels, u.service)),
    ),
    front.create(h, gatewayRef(run.stack, routes, flags.path)),
  ])
  await waitForBackendsAndGateway(
    h,
    services.map((service, i) => [service, upstreams[i]?.replicas ?? 0]),
  )
  return services
}

/** `service` with its latency variable raised by `extraMs` (capped at the services' 5 s) and `env` set. */
export function slowed(
  service: ServiceRef,
  latencyEnv: string,
  extraMs: number,
  env: Record<string, string> = {},
): ServiceRef {
  const latency = Math.min(5000, Number(service.env?.[latencyEnv] ?? 0) + extraMs)
  return { ...service, env: { ...service.env, ...env, [latencyEnv]: String(latency) } }
}
