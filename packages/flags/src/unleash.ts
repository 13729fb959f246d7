import { type Context, InMemStorageProvider, Unleash, type Variant } from 'unleash-client'
import { FixedRepository } from './repository.ts'
import type { FlagsDocument } from './schema.ts'

export type { Context, Unleash, Variant }

// Offline mode never contacts this address (refreshInterval 0), but the SDK requires a URL.
const NO_SERVER = 'http://127.0.0.1:9/api/'

export interface ServerSpec {
  appName: string
  environment: string
  url: string
  token: string
  refreshMs: number
  bootstrapFile: string
}

/**
 * A client fed only from one document in memory (flags and segments, or none at all): no network, no
 * timers, ready within milliseconds.
 */
export function offlineUnleash(appName: string, environment: string, doc: FlagsDocument): Unleash {
  return new Unleash({
    appName,
    environment,
    url: NO_SERVER,
    refreshInterval: 0,
    disableMetrics: true,
    skipInstanceCountWarning: true,
    repository: new FixedRepository(doc),
  })
}

export function serverUnleash(spec: ServerSpec): Unleash {
  return new Unleash({
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

/** Resolves on the SDK's `ready`, rejects on an `error` that comes first. Call right after construction. */
export function whenReady(unleash: Unleash): Promise<void> {
  return new Promise((resolve, reject) => {
    const onReady = () => {
      unleash.off('error', onError)
      resolve()
    }
    const onError = (err: Error) => {
      unleash.off('ready', onReady)
      reject(err)
    }
    unleash.once('ready', onReady)
    unleash.once('error', onError)
  })
}
