import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { isUserId, newUserId, parseCookies, USER_COOKIE, userIdFrom } from './context.ts'
import { FlagsConfigError } from './errors.ts'

/** Who the request is for, as far as flag decisions go. */
export interface Identity {
  userId: string | undefined
  /** The id was minted for this request (and a cookie carrying it was set). */
  newUser: boolean
}

/** Decides the user id of a request; may set a cookie on the reply. */
export type Identify = (request: FastifyRequest, reply: FastifyReply) => Identity

export const MIN_USER_SECRET_LENGTH = 32

/**
 * Behind the edge (backends): the id the edge forwarded, `x-zdd-user` header, else baggage `zdd.user`, else
 * the `zdd_uid` cookie's id. Only the edge may reach a backend (NetworkPolicy), so what it says is trusted.
 */
export const forwardedIdentity: Identify = (request) => {
  const { headers } = request
  return { userId: userIdFrom(headers['x-zdd-user'], headers.baggage, headers.cookie), newUser: false }
}

export interface SignedIdentityOptions {
  /** HMAC key (at least 32 characters); unset: a random key for this process (ids do not survive it). */
  secret: string | undefined
  /**
   * A header an authenticating proxy in front sets to the signed-in user's id, honoured only when the
   * connection comes from that proxy (`trusted`, from TRUST_PROXY); from anyone else it is ignored.
   */
  trustedHeader?: { name: string; trusted: (address: string | undefined) => boolean }
}

/**
 * At the edge: the user id comes from a cookie the edge issued and signed (HMAC-SHA256), or from a trusted
 * authenticating proxy's header. A client-chosen id (the `x-zdd-user` header, baggage, an unsigned or
 * tampered cookie) counts for nothing: such a request is a new anonymous user, who gets a new signed cookie.
 */
export function signedIdentity(options: SignedIdentityOptions): Identify & { signs: (id: string) => string } {
  if (options.secret !== undefined && options.secret.length < MIN_USER_SECRET_LENGTH) {
    throw new FlagsConfigError(
      `the user-id signing secret is ${options.secret.length} characters long; give at least ${MIN_USER_SECRET_LENGTH} (e.g. openssl rand -hex 32)`,
    )
  }
  const key = options.secret ?? randomBytes(32).toString('hex')
  const sign = (id: string) => createHmac('sha256', key).update(`${USER_COOKIE}=${id}`).digest('base64url')
  const verify = (value: string): string | undefined => {
    const dot = value.lastIndexOf('.')
    if (dot <= 0) return undefined
    const id = value.slice(0, dot)
    const given = Buffer.from(value.slice(dot + 1))
    const expected = Buffer.from(sign(id))
    return given.length === expected.length && timingSafeEqual(given, expected) && isUserId(id)
      ? id
      : undefined
  }
  const header = options.trustedHeader
  const identify = ((request, reply) => {
    if (header?.trusted(request.socket.remoteAddress)) {
      const value = request.headers[(header as { name: string }).name]
      const id = Array.isArray(value) ? value[0] : value
      if (id !== undefined && isUserId(id)) return { userId: id, newUser: false }
    }
    const cookie = request.headers.cookie
    const signed = cookie === undefined ? undefined : parseCookies(cookie).get(USER_COOKIE)
    const id = signed === undefined ? undefined : verify(signed)
    if (id !== undefined) return { userId: id, newUser: false }
    const minted = newUserId()
    reply.header('set-cookie', signedUserCookie(minted, sign(minted)))
    return { userId: minted, newUser: true }
  }) as Identify & { signs: (id: string) => string }
  identify.signs = (id) => `${id}.${sign(id)}`
  return identify
}

export function signedUserCookie(id: string, signature: string): string {
  return `${USER_COOKIE}=${id}.${signature}; Path=/; Max-Age=31536000; HttpOnly; SameSite=Lax`
}
