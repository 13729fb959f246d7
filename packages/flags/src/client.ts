// Longer than the ~250 lines the style guide asks: the client's states (bootstrap, synced, stale,
// unauthorized) and the two sources that move it (a file, an Unleash server) stay in one file so that every
// transition, and the one log line each one writes, can be read in one place.
import { EventEmitter } from 'node:events'
import { statSync } from 'node:fs'
import type { Context, Variant } from 'unleash-client'
import { type FlagSummary, summarize } from './edit.ts'
import { FlagsConfigError } from './errors.ts'
import { type Evaluator, OfflineEvaluator } from './evaluate.ts'
import { readFlagsFile } from './file.ts'
import type { FlagsDocument } from './schema.ts'
import type { SyncState } from './state.ts'
import { fingerprint, pollFile } from './watch.ts'

export interface FlagLogger {
  info(obj: object, msg: string): void
  warn(obj: object, msg: string): void
  error(obj: object, msg: string): void
}

export interface FlagClientOptions {
  appName: string
  environment: string
  /** Bootstrap file: the whole truth offline, the start-up values in server mode. */
  file: string
  /** Server mode when set (must end in /api/), with `token`. */
  url?: string | undefined
  token?: string | undefined
  refreshMs: number
  log: FlagLogger
  /** How often the offline file is checked for changes. */
  watchIntervalMs?: number
}

/** A variant decision, in the shape of Unleash's client specification. */
export interface Evaluation {
  /** The variant's name; `disabled` when no variant applies. */
  name: string
  /** Whether a variant applies. */
  enabled: boolean
  /** Whether the flag itself is on for the context (on with no variant: `disabled` with this true). */
  feature_enabled: boolean
  payload?: { type: string; value: string }
}

/** No variant, flag off (or unknown). */
const DISABLED: Evaluation = Object.freeze({ name: 'disabled', enabled: false, feature_enabled: false })
/** No variant, but the flag is on. */
const NO_VARIANT_ON: Evaluation = Object.freeze({ name: 'disabled', enabled: false, feature_enabled: true })
/** What unleash-client answers when a flag has no variant for the context (one object, not one per call). */
const NO_VARIANT: Variant = Object.freeze({ name: 'disabled', enabled: false })
/** Evaluations of enabled variants without payload, shared: one per variant name instead of one per call. */
const PLAIN_VARIANTS = new Map<string, Evaluation>()

function plainVariant(name: string): Evaluation {
  let evaluation = PLAIN_VARIANTS.get(name)
  if (!evaluation) {
    evaluation = Object.freeze({ name, enabled: true, feature_enabled: true })
    // Variant names come from flag definitions: bounded, but a server could keep renaming them.
    if (PLAIN_VARIANTS.size < 1000) PLAIN_VARIANTS.set(name, evaluation)
  }
  return evaluation
}

/** unleash-client behind one small surface: offline file (watched) or server, with a visible sync state. */
export class FlagClient extends EventEmitter<{
  state: [SyncState]
  evaluated: [string, string]
  reloaded: []
}> {
  readonly mode: 'offline' | 'server'
  readonly #options: FlagClientOptions
  /** The SDK's evaluator (offline) or its whole client (server mode; ./unleash.ts, loaded only then). */
  #evaluator: Evaluator | undefined
  #started = false
  #state: SyncState = 'starting'
  #reloading: Promise<void> = Promise.resolve()
  #lastFileError = ''
  /** The file as it was when last read: polls compare against it, not against the previous poll. */
  #seen = ''
  #unwatch: () => void = () => {}
  /** Called for every decision (metrics); a plain callback, not an event: it runs per request. */
  onEvaluated: ((flag: string, result: string) => void) | undefined

  constructor(options: FlagClientOptions) {
    super()
    if (options.url && !options.token) {
      throw new FlagsConfigError('UNLEASH_URL is set but UNLEASH_API_TOKEN is not; set the backend token too')
    }
    if (options.token && !options.url) {
      throw new FlagsConfigError(
        'UNLEASH_API_TOKEN is set but UNLEASH_URL is not; set both, or neither for offline',
      )
    }
    this.#options = options
    this.mode = options.url ? 'server' : 'offline'
  }

  get state(): SyncState {
    return this.#state
  }

  /** Flags can be evaluated: the bootstrap file is loaded or the first sync succeeded. */
  get ready(): boolean {
    return this.#state !== 'starting' && this.#state !== 'closed' && this.#evaluator !== undefined
  }

  /**
   * Offline: loads the file (throws naming the problem; a file with no flags is valid: all flags off) and
   * watches it. Server: starts polling.
   */
  async start(): Promise<void> {
    if (this.#started) return
    this.#started = true
    try {
      await this.#start()
    } catch (err) {
      this.#started = false // a start that failed (an unreadable file) may be tried again
      throw err
    }
  }

  async #start(): Promise<void> {
    if (this.mode === 'offline') {
      this.#seen = fingerprint(statSync(this.#options.file, { throwIfNoEntry: false }))
      const doc = readFlagsFile(this.#options.file)
      await this.#swap(doc)
      this.#setState('offline')
      const interval = this.#options.watchIntervalMs ?? 250
      this.#unwatch = pollFile(
        this.#options.file,
        interval,
        () => this.#seen,
        () => this.#reload(),
      )
      return
    }
    await this.#startServer()
  }

  isEnabled(name: string, context: Context, fallback = false): boolean {
    const evaluator = this.#evaluator
    const enabled = evaluator ? evaluator.decide(name, context, fallback) : fallback
    this.onEvaluated?.(name, enabled ? 'on' : 'off')
    return enabled
  }

  variant(name: string, context: Context): Evaluation {
    const evaluator = this.#evaluator
    const v: Variant | undefined = evaluator?.decideVariant(name, context, NO_VARIANT)
    const result: Evaluation = !v?.enabled
      ? v?.feature_enabled
        ? NO_VARIANT_ON
        : DISABLED
      : v.payload
        ? {
            name: v.name,
            enabled: true,
            feature_enabled: true,
            payload: { type: v.payload.type, value: String(v.payload.value) },
          }
        : plainVariant(v.name)
    this.onEvaluated?.(name, result.name)
    return result
  }

  /** The definitions in use now, summarised (rollout %, variant weights) for pages and the CLI. */
  list(): FlagSummary[] {
    const features = this.#evaluator?.definitions() ?? []
    return summarize({ version: 2, features: features as unknown as FlagsDocument['features'] })
  }

  /** Idempotent. Flushes usage metrics in server mode (bounded), then destroys the SDK client. */
  async close(): Promise<void> {
    if (this.#state === 'closed') return
    this.#unwatch()
    const evaluator = this.#evaluator
    this.#setState('closed')
    await evaluator?.close()
  }

  async #startServer(): Promise<void> {
    const { url, token, appName, environment, refreshMs, file } = this.#options
    // The SDK's whole client, with its HTTP stack, is loaded only here: offline services never pay for it.
    const { evaluatesFetchedData, fetchedFromServer, serverUnleash } = await import('./unleash.ts')
    if (this.#state === 'closed') return
    const unleash = serverUnleash({
      url: url ?? '',
      token: token ?? '',
      appName,
      environment,
      refreshMs,
      bootstrapFile: file,
    })
    this.#evaluator = unleash
    // `synced` only once evaluations use the fetched data: the first fetch's `changed` comes a tick before
    // the SDK answers from it; its `ready` (below) then reports the sync.
    const fetched = () => {
      if (evaluatesFetchedData(unleash) && this.#state !== 'closed') this.#setState('synced')
    }
    unleash.on('ready', () => {
      if (this.#state === 'starting') this.#setState(fetchedFromServer(unleash) ? 'synced' : 'bootstrap')
    })
    unleash.on('changed', fetched)
    unleash.on('unchanged', fetched)
    unleash.on('warn', (msg: unknown) => {
      // Non-2xx answers (404, 429, 5xx) arrive as warnings; other warnings are not sync failures.
      if (/responded \d{3}|TOO_MANY|FILE_NOT_FOUND/.test(String(msg))) this.#failed(String(msg))
    })
    // Always listen: an 'error' without a listener would crash the process (server down, bad token).
    unleash.on('error', (err: Error) => this.#failed(err.message))
  }

  #failed(message: string): void {
    if (this.#state === 'closed' || this.#state === 'unauthorized') return
    if (/responded (401|403)/.test(message)) {
      this.#setState('unauthorized', { reason: message }, 'error')
    } else if (this.#state === 'synced' || this.#state === 'bootstrap' || this.#state === 'starting') {
      // Stay 'starting' only while nothing at all has been loaded: readiness then waits.
      if (this.#state !== 'starting') this.#setState('stale', { reason: message }, 'warn')
    }
  }

  #reload(): void {
    this.#reloading = this.#reloading.then(async () => {
      if (this.#state === 'closed') return
      this.#seen = fingerprint(statSync(this.#options.file, { throwIfNoEntry: false }))
      try {
        await this.#swap(readFlagsFile(this.#options.file))
        this.#lastFileError = ''
        this.#options.log.info({ file: this.#options.file }, 'flags file changed; new definitions in use')
        this.emit('reloaded')
      } catch (err) {
        const message = (err as Error).message
        if (message !== this.#lastFileError) {
          this.#options.log.error({ err }, 'flags file unreadable; keeping the previous definitions')
        }
        this.#lastFileError = message
      }
    })
  }

  async #swap(doc: FlagsDocument): Promise<void> {
    const next = new OfflineEvaluator(this.#options.appName, this.#options.environment, doc, (err) =>
      this.#options.log.error({ err }, 'flag client error'),
    )
    const previous = this.#evaluator
    this.#evaluator = next
    await previous?.close()
  }

  #setState(next: SyncState, detail: object = {}, level: 'info' | 'warn' | 'error' = 'info'): void {
    if (next === this.#state) return
    const previous = this.#state
    this.#state = next
    // One line per state change, never one per poll.
    this.#options.log[level]({ ...detail, from: previous, to: next, mode: this.mode }, `flags: ${next}`)
    this.emit('state', next)
  }
}
