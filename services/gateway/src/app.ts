import type { RequestFlags } from '@zdd/flags'
import { signedIdentity, useFlags } from '@zdd/flags'
import { compileTrust, type ServiceDefinition } from '@zdd/lifecycle'
import { DEMO_ROUTE_TABLE, loadRouteTable } from '@zdd/routes'
import type { FastifyRequest } from 'fastify'
import { checkGatewayConfig, GatewayEnv } from './config.ts'
import { createGatewayMetrics } from './metrics.ts'
import { pageRoutes } from './page/routes.ts'
import { HeldBytes } from './proxy/body.ts'
import { proxyRoutes } from './proxy/route.ts'
import { UpstreamPool } from './proxy/upstreams.ts'
import { gatewayReplies } from './replies.ts'
import type { Cohort } from './routes/decide.ts'
import { ShadowMirror } from './shadow/mirror.ts'

/** Never used at the edge in practice: signedIdentity always names a user (a new one when needed). */
const ANONYMOUS = 'anonymous'

/** One small object per request, methods on the prototype (this runs on every proxied request). */
class RequestCohort implements Cohort {
  readonly userId: string
  readonly #flags: RequestFlags

  constructor(flags: RequestFlags) {
    this.#flags = flags
    this.userId = flags.context.userId ?? ANONYMOUS
  }

  isEnabled(flag: string): boolean {
    return this.#flags.isEnabled(flag)
  }

  variant(flag: string): { name: string; enabled: boolean } {
    return this.#flags.variant(flag)
  }
}

function cohortOf(request: FastifyRequest): Cohort {
  return new RequestCohort(request.flags)
}

/**
 * The edge: routes path prefixes to upstreams over keep-alive pools, picks the canary track and the A/B
 * variant per user from flags, mirrors to a shadow, and serves the demo web page at `/`.
 */
export const gatewayService: ServiceDefinition<typeof GatewayEnv> = {
  name: 'gateway',
  envSchema: GatewayEnv,
  register(app, ctx) {
    const { config, lifecycle } = ctx
    checkGatewayConfig(config)
    const table = loadRouteTable(
      { json: config.GATEWAY_ROUTES, file: config.GATEWAY_ROUTES_FILE },
      DEMO_ROUTE_TABLE,
    )
    const servedBy = `${ctx.name}@${config.APP_VERSION}/${config.POD_NAME}`
    const trustedPeer = compileTrust(config.TRUST_PROXY).trust
    const flags = useFlags(app, ctx, {
      identify: signedIdentity({
        secret: config.GATEWAY_USER_SECRET,
        ...(config.GATEWAY_USER_HEADER
          ? { trustedHeader: { name: config.GATEWAY_USER_HEADER, trusted: trustedPeer } }
          : {}),
      }),
    })
    if (config.GATEWAY_USER_SECRET === undefined) {
      app.log.warn(
        'GATEWAY_USER_SECRET is unset: user cookies are signed with a key of this process only; with more than one replica, or after a restart, users change bucket. Set it from a Secret (openssl rand -hex 32), the same on every replica.',
      )
    }
    const metrics = createGatewayMetrics(ctx.metrics.registry)
    const timeouts = {
      connectMs: config.GATEWAY_CONNECT_TIMEOUT_MS,
      headersMs: config.GATEWAY_HEADERS_TIMEOUT_MS,
      totalMs: config.GATEWAY_UPSTREAM_TIMEOUT_MS,
    }
    const pool = new UpstreamPool({
      connections: config.GATEWAY_UPSTREAM_CONNECTIONS,
      maxRequestsPerConnection: config.GATEWAY_UPSTREAM_MAX_REQUESTS,
      connectTimeoutMs: timeouts.connectMs,
      headersTimeoutMs: timeouts.headersMs,
      totalTimeoutMs: timeouts.totalMs,
      retries: config.GATEWAY_RETRIES,
    })
    const shadowPool = new UpstreamPool({
      connections: config.GATEWAY_SHADOW_CONCURRENCY,
      connectTimeoutMs: Math.min(timeouts.connectMs, config.GATEWAY_SHADOW_TIMEOUT_MS),
      headersTimeoutMs: config.GATEWAY_SHADOW_TIMEOUT_MS,
      totalTimeoutMs: config.GATEWAY_SHADOW_TIMEOUT_MS,
      retries: 0,
    })
    // Cleanup hooks run after the listener closed and requests in flight finished, in reverse order:
    // shadow exchanges are dropped first (nobody waits for them), then the primary pools close.
    lifecycle.onShutdown('upstream pools', async () => {
      await pool.close()
      app.log.info('upstream pools closed')
    })
    lifecycle.onShutdown('shadow pools', () => shadowPool.destroy())
    const shadow = new ShadowMirror({
      pool: shadowPool,
      metrics,
      log: app.log,
      concurrency: config.GATEWAY_SHADOW_CONCURRENCY,
      maxBodyBytes: config.GATEWAY_SHADOW_MAX_BODY_BYTES,
    })

    gatewayReplies(app, { table, retryAfterS: config.GATEWAY_RETRY_AFTER_S })
    if (config.GATEWAY_DEMO_PAGE)
      pageRoutes(app, { table, listFlags: () => flags.list(), cohortOf, servedBy })
    app.register(proxyRoutes, {
      table,
      pool,
      shadow,
      metrics,
      cohortOf,
      trackOverride: config.GATEWAY_TRACK_OVERRIDE,
      bodyLimit: config.GATEWAY_BODY_LIMIT_BYTES,
      shadowMaxBodyBytes: config.GATEWAY_SHADOW_MAX_BODY_BYTES,
      held: new HeldBytes(config.GATEWAY_SHADOW_HELD_BYTES),
      timeouts,
      trustedPeer,
      servedBy,
    })
    app.log.info(
      { routes: table.routes.map((route) => `${route.prefix} → ${route.name}`), source: table.source },
      'route table loaded',
    )
  },
}

export { GatewayEnv }
