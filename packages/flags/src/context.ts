import { randomUUID } from 'node:crypto'

export const USER_HEADER = 'x-zdd-user'
export const USER_COOKIE = 'zdd_uid'
export const SESSION_COOKIE = 'zdd_sid'
export const BAGGAGE_USER = 'zdd.user'

/** The longest user id taken from a request, in characters. */
export const USER_ID_MAX_LENGTH = 256

/**
 * What a user id may look like. Unleash takes any text as a userId (e-mail addresses, names with spaces);
 * here it is 1-256 printable characters, and only ones an HTTP header carries unchanged, because the id
 * travels on in headers (`x-zdd-user` to upstreams, which HTTP clients refuse beyond Latin-1 and trim at
 * the ends): printable ASCII (U+0020-U+007E) and Latin-1 (U+00A0-U+00FF), no control characters, no space
 * (U+0020, U+00A0) at either end.
 *
 * A loop over the character codes, not a regular expression: this runs for every request, and the
 * equivalent pattern cost about as much as the flag decision itself (bench/flags).
 */
export function isUserId(id: string): boolean {
  const last = id.length - 1
  if (last < 0 || last >= USER_ID_MAX_LENGTH) return false
  for (let i = 0; i <= last; i += 1) {
    const code = id.charCodeAt(i)
    if (code < 0x20 || (code > 0x7e && code < 0xa0) || code > 0xff) return false
    if ((i === 0 || i === last) && (code === 0x20 || code === 0xa0)) return false
  }
  return true
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
  if (id !== undefined && isUserId(id)) return id
  if (baggage !== undefined) {
    const fromBaggage = parseBaggage(baggage).get(BAGGAGE_USER)
    if (fromBaggage !== undefined && isUserId(fromBaggage)) return fromBaggage
  }
  if (cookie === undefined) return undefined
  const fromCookie = parseCookies(cookie).get(USER_COOKIE)
  return fromCookie !== undefined && isUserId(fromCookie) ? fromCookie : undefined
}

export function newUserId(): string {
  return randomUUID()
}
