import type { FastifyPluginCallback, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import type { Evaluation, FlagClient } from './client.ts'
import { parseCookies, SESSION_COOKIE, userIdFrom } from './context.ts'
import { forwardedIdentity, type Identify } from './identity.ts'

// A type alias, not an interface: the SDK's Context has an index signature that interfaces don't satisfy.
/** Unleash's context for one request. */
export type FlagContext = {
  userId?: string
  sessionId?: string
  remoteAddress: string
  appName: string
  environment: string
  /** Custom context fields (constraints and custom stickiness read them by name). */
  properties?: Record<string, string>
  /** The time date constraints compare with; the clock when unset. */
  currentTime?: Date
}

/** What a service adds to the context from its own request fields (see `FlagsPluginOptions.requestContext`). */
export type RequestContextFields = Pick<FlagContext, 'properties' | 'currentTime'>

export interface RequestFlags {
  readonly context: FlagContext
  /** True when the user id was minted for this request (and set as a cookie). */
  readonly newUser: boolean
  isEnabled(name: string, fallback?: boolean): boolean
  variant(name: string): Evaluation
}

declare module 'fastify' {
  interface FastifyRequest {
    flags: RequestFlags
  }
}

export interface FlagsPluginOptions {
  client: FlagClient
  appName: string
  environment: string
  /**
   * How the user id is found. Default (backends): what the edge forwarded (`x-zdd-user`, baggage, cookie).
   * The edge uses `signedIdentity`: its own signed cookie, or a trusted authenticating proxy's header.
   */
  identify?: Identify
  /**
   * Custom context fields from the request, e.g. `{ properties: { tenant: request.headers['x-tenant'] } }`,
   * or a `currentTime`. Runs once per request, before any evaluation; unset: no properties, the clock.
   */
  requestContext?: (request: FastifyRequest) => RequestContextFields | undefined
}

/**
 * `request.flags`, and the Unleash context of its request in one object: unleash-client copies a context's
 * own enumerable properties (`{ ...context }`), and those are exactly the context fields set here; the
 * methods, `context`, `newUser` and the client live on the prototype or in private fields, out of the copy.
 * One allocation per request, none per decision.
 */
class Flags implements RequestFlags {
  declare userId?: string
  declare sessionId?: string
  remoteAddress: string
  appName: string
  environment: string
  declare properties?: Record<string, string>
  declare currentTime?: Date
  readonly #client: FlagClient
  readonly #newUser: boolean

  constructor(
    client: FlagClient,
    request: FastifyRequest,
    opts: FlagsPluginOptions,
    userId: string | undefined,
    newUser: boolean,
  ) {
    this.#client = client
    this.#newUser = newUser
    this.remoteAddress = request.ip
    this.appName = opts.appName
    this.environment = opts.environment
    if (userId) this.userId = userId
    const cookie = request.headers.cookie
    const session = cookie === undefined ? undefined : parseCookies(cookie).get(SESSION_COOKIE)
    if (session) this.sessionId = session
    const extra = opts.requestContext?.(request)
    if (extra?.properties) this.properties = extra.properties
    if (extra?.currentTime) this.currentTime = extra.currentTime
  }

  get context(): FlagContext {
    return this as FlagContext
  }

  get newUser(): boolean {
    return this.#newUser
  }

  isEnabled(name: string, fallback = false): boolean {
    return this.#client.isEnabled(name, this.context, fallback)
  }

  variant(name: string): Evaluation {
    return this.#client.variant(name, this.context)
  }
}

const plugin: FastifyPluginCallback<FlagsPluginOptions> = (app, opts, done) => {
  const { client } = opts
  const identify = opts.identify ?? forwardedIdentity
  app.decorateRequest('flags', null as unknown as RequestFlags)
  app.addHook('onRequest', (request, reply, next) => {
    if (identify === forwardedIdentity) {
      // The backends' case, on every request: no Identity object to build and take apart.
      const { headers } = request
      const userId = userIdFrom(headers['x-zdd-user'], headers.baggage, headers.cookie)
      request.flags = new Flags(client, request, opts, userId, false)
    } else {
      const { userId, newUser } = identify(request, reply)
      request.flags = new Flags(client, request, opts, userId, newUser)
    }
    next()
  })
  done()
}

/** Evaluates flags per request with the user's context: `request.flags.isEnabled(...)`, `.variant(...)`. */
// No `fastify: '5.x'` check here: the package's peer dependency says so already, and the check would
// make Fastify load semver on every start (bench/RESULTS.md, start-up).
export const flagsPlugin = fp(plugin, { name: '@zdd/flags' })
