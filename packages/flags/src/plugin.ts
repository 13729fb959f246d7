import type { FastifyPluginCallback, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import type { Evaluation, FlagClient } from './client.ts'
import { parseCookies, SESSION_COOKIE } from './context.ts'
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

function contextOf(
  request: FastifyRequest,
  opts: FlagsPluginOptions,
  userId: string | undefined,
): FlagContext {
  const context: FlagContext = {
    remoteAddress: request.ip,
    appName: opts.appName,
    environment: opts.environment,
  }
  if (userId) context.userId = userId
  const cookie = request.headers.cookie
  const session = cookie === undefined ? undefined : parseCookies(cookie).get(SESSION_COOKIE)
  if (session) context.sessionId = session
  const extra = opts.requestContext?.(request)
  if (extra?.properties) context.properties = extra.properties
  if (extra?.currentTime) context.currentTime = extra.currentTime
  return context
}

// One small object per request with methods on the prototype: no closures allocated per request.
class Flags implements RequestFlags {
  readonly context: FlagContext
  readonly newUser: boolean
  readonly #client: FlagClient

  constructor(client: FlagClient, context: FlagContext, newUser: boolean) {
    this.#client = client
    this.context = context
    this.newUser = newUser
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
    const { userId, newUser } = identify(request, reply)
    request.flags = new Flags(client, contextOf(request, opts, userId), newUser)
    next()
  })
  done()
}

/** Evaluates flags per request with the user's context: `request.flags.isEnabled(...)`, `.variant(...)`. */
export const flagsPlugin = fp(plugin, { name: '@zdd/flags', fastify: '5.x' })
