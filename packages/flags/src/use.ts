import type { Static } from '@sinclair/typebox'
import type { ServiceContext } from '@zdd/lifecycle'
import type { FastifyInstance } from 'fastify'
import { FlagClient } from './client.ts'
import type { FlagsEnv } from './config.ts'
import { instrumentFlags } from './metrics.ts'
import { type FlagsPluginOptions, flagsPlugin } from './plugin.ts'

export interface UseFlagsOptions {
  /** How each request's user id is found (the edge: `signedIdentity`); default: what the edge forwarded. */
  identify?: FlagsPluginOptions['identify']
  /** Offline file poll interval (tests shorten it). */
  watchIntervalMs?: number
  /** Custom context fields (`properties`, `currentTime`) from each request; see the plugin option. */
  requestContext?: FlagsPluginOptions['requestContext']
}

/**
 * Wires a flag client into a @zdd/lifecycle service: loaded by a start-up check, readiness waits for it,
 * metrics in the service's registry, the request plugin registered, and flushed + destroyed at shutdown.
 * Liveness is untouched: a flag server outage keeps last-known values.
 */
export function useFlags(
  app: FastifyInstance,
  ctx: ServiceContext<Readonly<Static<typeof FlagsEnv>>>,
  options: UseFlagsOptions = {},
): FlagClient {
  const { config } = ctx
  const appName = config.UNLEASH_APP_NAME ?? ctx.name
  const client = new FlagClient({
    appName,
    environment: config.UNLEASH_ENVIRONMENT,
    file: config.FLAGS_FILE,
    url: config.UNLEASH_URL,
    token: config.UNLEASH_API_TOKEN,
    refreshMs: config.UNLEASH_REFRESH_MS,
    log: app.log,
    ...(options.watchIntervalMs ? { watchIntervalMs: options.watchIntervalMs } : {}),
  })
  instrumentFlags(client, ctx.metrics.registry)
  ctx.lifecycle.addStartupCheck('flags', () => client.start())
  ctx.lifecycle.addReadinessCheck('flags', () => client.ready)
  ctx.lifecycle.onShutdown('flags', () => client.close())
  app.register(flagsPlugin, {
    client,
    appName,
    environment: config.UNLEASH_ENVIRONMENT,
    ...(options.identify ? { identify: options.identify } : {}),
    ...(options.requestContext ? { requestContext: options.requestContext } : {}),
  })
  return client
}
