import { type Static, Type } from '@sinclair/typebox'
import type { Deployment } from '../model/deployment.ts'
import type { ServiceFront } from '../run/harness.ts'
import type { RolloutOptions } from '../run/options.ts'
import { defineScenario } from './define.ts'
import { CANARY_FLAG, GATEWAY_PATHS, GatewayRun, gatewayRef, waitForServices } from './gateway-front.ts'
import type { ScenarioRunner } from './runner.ts'

const Options = Type.Object({
  roll: Type.Union([Type.Literal('gateway'), Type.Literal('catalog')], {
    description: 'gateway (its own Deployment rolled, a catalog behind it) or catalog (rolled behind it)',
    default: 'gateway',
  }),
  fixedReplicas: Type.Integer({
    description: 'replicas of the Deployment that is not rolled',
    default: 2,
    minimum: 1,
    maximum: 10,
  }),
})

export type GatewayRollingScenario = Static<typeof Options>

/** The version of the catalog that stays while the gateway in front of it is rolled. */
export const FIXED_CATALOG_VERSION = 'v1'

/** The gateway's route table: the catalog route, its canary on the same Service (the flag keeps it at 0 %). */
function catalogRoutes(origin: string) {
  return {
    upstreams: { catalog: origin, 'catalog-canary': origin },
    routes: [
      {
        name: 'catalog',
        prefix: '/api/catalog',
        upstream: 'catalog',
        canary: { flag: CANARY_FLAG, upstream: 'catalog-canary' },
      },
    ],
  }
}

/**
 * A RollingUpdate with a real gateway in the request path (issue 3), the load going through it:
 *
 * - roll `catalog`: the gateway (one pod, behind its own Service) proxies to the catalog Service over its
 *   keep-alive pools while the catalog Deployment is rolled v1 → v2. Draining pods answer with
 *   `Connection: close`, so the gateway's pooled connections move; the gateway retries an idempotent
 *   request once when a pooled connection was refused or reset, and the report counts those retries
 *   (its /metrics), so a zero is never a hidden one. The load itself never retries.
 * - roll `gateway`: the gateway is the Deployment rolled v1 → v2 behind the main Service, in front of a
 *   catalog Deployment that stays; answers are attributed to the gateway pod (`x-zdd-gateway`).
 *
 * Either way, the flags file keeps `catalog-canary` at 0 %: every request takes the stable track.
 */
export function gatewayRolling(options: RolloutOptions, scenario: GatewayRollingScenario): ScenarioRunner {
  const run = new GatewayRun(options)
  let rolled: Deployment | undefined
  let gatewayService: ServiceFront | undefined

  return {
    name: 'gateway-rolling',
    description: `RollingUpdate of the ${scenario.roll === 'catalog' ? 'catalog behind the gateway' : 'gateway in front of the catalog'}`,
    toVersion: options.toVersion,
    async setup(h) {
      const fixedCatalog = { name: 'catalog', entry: run.stack.entries.catalog }
      if (scenario.roll === 'gateway') {
        // The main Service selects the gateway pods; the catalog has its own Service, and stays.
        const { flags, front } = await run.prepare(h, [{ flag: CANARY_FLAG, rollout: 0 }], {
          replicas: options.replicas,
        })
        const catalogService = await h.addService('catalog', { app: 'catalog' })
        const catalog = h.deployment('catalog', scenario.fixedReplicas)
        const routes = catalogRoutes(catalogService.origin)
        await Promise.all([
          catalog.create(h.template(FIXED_CATALOG_VERSION, {}, run.withFlags(fixedCatalog))),
          front.create(h, gatewayRef(run.stack, routes, flags.path), options.fromVersion),
        ])
        rolled = front.deployment
        await waitForServices(h, [[catalogService, scenario.fixedReplicas]])
        await h.waitForEndpoints(options.replicas)
        return
      }
      // roll catalog: the main Service selects the catalog pods; the gateway has its own Service in front.
      const { flags, front } = await run.prepare(h, [{ flag: CANARY_FLAG, rollout: 0 }], {
        replicas: scenario.fixedReplicas,
        main: false,
      })
      h.endpoints.selectInitially({ app: 'catalog' })
      gatewayService = await h.addService('gateway', { app: 'gateway' })
      const catalog = h.deployment('catalog', options.replicas)
      await Promise.all([
        catalog.create(h.template(options.fromVersion, {}, run.withFlags(options.service))),
        front.create(h, gatewayRef(run.stack, catalogRoutes(h.serviceOrigin), flags.path)),
      ])
      rolled = catalog
      await waitForServices(h, [[gatewayService, scenario.fixedReplicas]])
      await h.waitForEndpoints(options.replicas)
    },
    startLoad(h) {
      const users = 1000
      if (scenario.roll === 'gateway') {
        // Who answered is the gateway pod (x-zdd-gateway); its own error answers carry x-served-by.
        h.startLoad(h.serviceOrigin, {
          path: GATEWAY_PATHS.catalog,
          users,
          servedBy: ['x-zdd-gateway', 'x-served-by'],
        })
        return
      }
      const front = gatewayService
      if (!front) return
      h.startLoad(front.origin, {
        path: GATEWAY_PATHS.catalog,
        users,
        routeOf: (port) => front.balancer.routeOf(port),
      })
    },
    async execute(h) {
      h.progress.phase = `rolling ${scenario.roll}`
      const template = rolled?.template
      if (!rolled || !template) return
      await rolled.rollout({ ...template, version: options.toVersion })
    },
    collect: () => run.collect(),
    cleanup: () => run.cleanup(),
    details: () => run.details(),
  }
}

export default defineScenario({
  kind: 'gateway-rolling',
  summary:
    'a RollingUpdate with the real gateway in the path: of the gateway itself, or of the catalog behind it',
  order: 100,
  // The proof that the gateway itself rolls without loss: not a way of delivering a version.
  inAll: false,
  gateway: true,
  options: Options,
  service: (scenario) =>
    scenario.roll === 'gateway'
      ? // The catalog behind the rolled gateway takes the latency (the gateway passes it on).
        { name: 'gateway', path: '/api/catalog/products', latencyEnv: 'CATALOG_LATENCY_MS' }
      : { name: 'catalog', path: '/products', latencyEnv: 'CATALOG_LATENCY_MS' },
  runner: gatewayRolling,
})
