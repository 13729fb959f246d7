import type { FastifyPluginAsync } from 'fastify'
import fp from 'fastify-plugin'
import { attachLifecycle } from './attach.ts'
import { LifecycleEnv, loadConfig } from './config.ts'
import { exitOnSignals } from './signals.ts'
import type { Lifecycle } from './state.ts'

export interface LifecyclePluginOptions {
  /** Service name, as in `x-served-by: <name>@<version>/<pod>` and the metrics' `service` label. */
  name: string
  /** Where LifecycleEnv is read from (MANAGEMENT_PORT, SHUTDOWN_*, …): process.env when unset. */
  env?: Record<string, string | undefined>
  /** SIGTERM/SIGINT run the drain and exit the process with its code (default true). */
  handleSignals?: boolean
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Readiness checks, start-up checks and cleanup hooks (`@zdd/lifecycle`). */
    lifecycle: Lifecycle
    /** Runs the drain (once) and resolves to the exit code; the plugin calls it on SIGTERM itself. */
    drain(reason: string): Promise<0 | 1>
  }
}

/**
 * `@zdd/lifecycle` on an app you already have: `await app.register(lifecyclePlugin, { name })` before your
 * routes. The management server (`/livez`, `/readyz`, `/metrics`) binds once the app listens; SIGTERM runs
 * the drain and exits. Create the app with `return503OnClosing: false` so that requests still arriving on
 * open connections while it closes are served instead of answered 503, and with `requestTimeout` and
 * `keepAliveTimeout` as the README's table says: Fastify takes those at construction, a plugin cannot.
 */
const plugin: FastifyPluginAsync<LifecyclePluginOptions> = async (app, opts) => {
  const config = loadConfig(LifecycleEnv, opts.env ?? process.env)
  const attached = attachLifecycle(app, opts.name, config)
  app.decorate('lifecycle', attached.lifecycle)
  app.decorate('drain', attached.shutdown)
  app.addHook('onListen', async () => {
    await attached.listenManagement()
    await attached.finishStartup()
    app.log.info({ managementPort: config.MANAGEMENT_PORT, mode: config.SHUTDOWN_MODE }, 'ready')
  })
  // app.close() outside the drain (a test, the app's own code): the management server goes with it.
  app.addHook('onClose', async () => {
    if (!attached.lifecycle.draining) await attached.management.close()
  })
  if (opts.handleSignals !== false) exitOnSignals(app.log, attached.shutdown)
}

// No `fastify: '5.x'` check here: the package's peer dependency says so already, and the check would
// make Fastify load semver on every start (bench/RESULTS.md, start-up).
export const lifecyclePlugin = fp(plugin, { name: '@zdd/lifecycle' })
