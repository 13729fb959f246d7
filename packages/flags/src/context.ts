import { randomUUID } from 'node:crypto'

export const USER_HEADER = 'x-zdd-user'
export const USER_COOKIE = 'zdd_uid'
export const SESSION_COOKIE = 'zdd_sid'
export const BAGGAGE_USER = 'zdd.user'

/** The longest user id taken from a request, in characters. */
export const USER_ID_MAX_LENGTH = 256

// Printable ASCII and Latin-1; no space at either end.
const EDGE = '!-~\\u00a1-\\u00ff'
const INNER = ' -~\\u00a0-\\u00ff'
/**
 * What a user id may look like. Unleash takes any text as a userId (e-mail addresses, names with spaces);
 * here it is 1-256 printable characters, and only ones an HTTP header carries unchanged, because the id
 * travels on in headers (`x-zdd-user` to upstreams, which HTTP clients refuse beyond Latin-1 and trim at
 * the ends): printable ASCII and Latin-1, no control characters, no space at either end.
 */
const ID = new RegExp(`^[${EDGE}](?:[${INNER}]{0,${USER_ID_MAX_LENGTH - 2}}[${EDGE}])?$`)

/** Whether `id` is usable as a user id: 1-256 printable characters an HTTP header carries unchanged. */
export function isUserId(id: string): boolean {
  return ID.test(id)
}

/** Parses a Cookie header into name → value (first occurrence wins, as browsers send the most specific first). */
export function parseCookies(header: string | undefined): Map<string, string> {
  const cookies = new Map<string, string>()
  if (!header) return cookies
  for (const part of header.split(';')) {
    const eq = part.indexOf('=')
    if (eq <= 0) continue
    const name = part.slice(0, eq).trim()
    if (!cookies.has(name)) cookies.set(name, part.slice(eq + 1).trim())
  }
  return cookies
}

/** Parses a W3C `baggage` header into key → value (properties after `;` are dropped). */
export function parseBaggage(header: string | string[] | undefined): Map<string, string> {
  const members = new Map<string, string>()
  const text = Array.isArray(header) ? header.join(',') : header
  if (!text) return members
  for (const member of text.split(',')) {
    const [pair = ''] = member.split(';')
    const eq = pair.indexOf('=')
    if (eq <= 0) continue
    try {
      members.set(pair.slice(0, eq).trim(), decodeURIComponent(pair.slice(eq + 1).trim()))
    } catch {
      // A malformed percent-encoding in one member must not cost the others.
    }
  }
  return members
}

/** Serialises baggage members (values percent-encoded), merging over the incoming ones. */
export function formatBaggage(members: Map<string, string>): string {
  return [...members].map(([key, value]) => `${key}=${encodeURIComponent(value)}`).join(',')
}

export interface UserSource {
  header?: string | string[] | undefined
  baggage?: string | string[] | undefined
  cookie?: string | undefined
}

/** The user id: `x-zdd-user` header, else baggage `zdd.user`, else cookie `zdd_uid`; malformed ids ignored. */
export function resolveUserId(source: UserSource): string | undefined {
  return userIdFrom(source.header, source.baggage, source.cookie)
}

/** `resolveUserId` with the three sources as arguments (the per-request path: no object to build). */
export function userIdFrom(
  header: string | string[] | undefined,
  baggage: string | string[] | undefined,
  cookie: string | undefined,
): string | undefined {
  // Lazily, in order: this runs for every request, and most carry the header or the cookie only.
  const id = Array.isArray(header) ? header[0] : header
  if (id !== undefined && ID.test(id)) return id
  if (baggage !== undefined) {
    const fromBaggage = parseBaggage(baggage).get(BAGGAGE_USER)
    if (fromBaggage !== undefined && ID.test(fromBaggage)) return fromBaggage
  }
  if (cookie === undefined) return undefined
  const fromCookie = parseCookies(cookie).get(USER_COOKIE)
  return fromCookie !== undefined && ID.test(fromCookie) ? fromCookie : undefined
}

export function newUserId(): string {
  return randomUUID()
}
