import { type Context, InMemStorageProvider, Unleash, type Variant } from 'unleash-client'
import { ANSWER_FALSE, ANSWER_TRUE, type Evaluator, type FeatureDefinition, isComplete } from './evaluate.ts'

/**
 * Server mode: the SDK's whole client (polling, bootstrap, usage metrics), loaded only when a server is
 * configured (client.ts imports this module on demand). A context that carries both static fields goes
 * straight to the SDK's evaluator (its `protected client`) with the same usage count the public methods
 * keep: the public methods copy every context and make a fallback closure per decision (evaluate.ts).
 * Any other context, or a client not ready yet, takes the public methods.
 */
export class FlagUnleash extends Unleash implements Evaluator {
  decide(name: string, context: Context, fallback: boolean): boolean {
    if (!isComplete(context) || !isReady(this)) return this.isEnabled(name, context, fallback)
    const enabled = this.client.isEnabled(name, context, fallback ? ANSWER_TRUE : ANSWER_FALSE)
    this.count(name, enabled)
    return enabled
  }

  decideVariant(name: string, context: Context, fallbackVariant: Variant): Variant {
    if (!isComplete(context) || !isReady(this)) return this.getVariant(name, context, fallbackVariant)
    const variant = this.client.getVariant(name, context, fallbackVariant)
    if (variant.name) this.countVariant(name, variant.name)
    this.count(name, Boolean(variant.feature_enabled))
    return variant
  }

  definitions(): FeatureDefinition[] {
    return this.getFeatureToggleDefinitions() as FeatureDefinition[]
  }

  async close(): Promise<void> {
    const flushed = this.flushMetrics().catch(() => {})
    await Promise.race([flushed, new Promise((resolve) => setTimeout(resolve, 1000).unref())])
    destroyQuietly(this)
  }
}

function isReady(unleash: Unleash): boolean {
  return (unleash as unknown as { ready?: boolean }).ready === true
}

export interface ServerSpec {
  appName: string
  environment: string
  url: string
  token: string
  refreshMs: number
  bootstrapFile: string
}

export function serverUnleash(spec: ServerSpec): FlagUnleash {
  return new FlagUnleash({
    appName: spec.appName,
    environment: spec.environment,
    url: spec.url,
    refreshInterval: spec.refreshMs,
    customHeaders: { Authorization: spec.token },
    skipInstanceCountWarning: true,
    // No backup file on disk (read-only root filesystem in the pods): last-known values live in memory,
    // and the bootstrap file covers start-up until the first sync.
    storageProvider: new InMemStorageProvider(),
    bootstrap: { filePath: spec.bootstrapFile },
  })
}

/**
 * Whether the repository has received data from the server, not just the bootstrap: the SDK emits
 * `changed` (and `synchronized`) for the bootstrap too, so those events alone cannot tell.
 */
export function fetchedFromServer(unleash: Unleash): boolean {
  const repository = (unleash as unknown as { repository?: { connected?: boolean } }).repository
  return repository?.connected === true
}

/**
 * Whether evaluations use data fetched from the server: the SDK answers from its repository only once it
 * has itself marked ready, a tick after the repository did (and after the repository's `changed`).
 */
export function evaluatesFetchedData(unleash: Unleash): boolean {
  return (unleash as unknown as { ready?: boolean }).ready === true && fetchedFromServer(unleash)
}

/**
 * destroy() removes the repository's listeners, but a fetch already in flight to a dead server still
 * emits `error` on it afterwards, which would be an unhandled 'error' event and crash the process.
 */
export function destroyQuietly(unleash: Unleash): void {
  unleash.destroy()
  const repository = (unleash as unknown as { repository?: { on?: (e: string, f: () => void) => void } })
    .repository
  repository?.on?.('error', () => {})
}
