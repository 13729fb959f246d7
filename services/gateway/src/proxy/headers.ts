import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http'

/** RFC 9110 §7.6.1: meaningful for one connection only, never forwarded (plus headers `Connection` names). */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
])

/** Request headers the gateway sets or consumes itself. */
const GATEWAY_OWNED = new Set([
  'host',
  'content-length',
  'expect',
  'x-zdd-track',
  'x-zdd-user',
  'baggage',
  'x-forwarded-prefix',
])
/** …and, from a client that is not a trusted proxy, what claims to say who the client is. */
const UNTRUSTED_OWNED = new Set([
  ...GATEWAY_OWNED,
  'x-forwarded-for',
  'x-forwarded-proto',
  'x-forwarded-host',
  'x-forwarded-port',
  'forwarded',
  'x-real-ip',
  'x-client-ip',
  'true-client-ip',
])

export interface ForwardedFor {
  /** The peer of the connection (not request.ip, which may already come from a trusted chain). */
  remoteAddress: string
  /** Whether the peer is a trusted proxy (TRUST_PROXY): then its forwarding headers are kept and extended. */
  trusted: boolean
  host: string | undefined
  protocol: string
  prefix: string
}

/** Extra header names the `Connection` header lists (RFC 9110 §7.6.1), if any beyond the usual tokens. */
function connectionNamed(headers: IncomingHttpHeaders): Set<string> | undefined {
  const value = headers.connection
  if (value === undefined) return undefined
  const text = (Array.isArray(value) ? value.join(',') : value).toLowerCase()
  // The usual values name only hop-by-hop headers already dropped: no set to build per request.
  if (text === 'keep-alive' || text === 'close') return undefined
  return new Set(
    text
      .split(',')
      .map((token) => token.trim())
      .filter(Boolean),
  )
}

/** The end-to-end headers: not hop-by-hop, not named by `Connection`, not in `skip`. */
function copyEndToEnd(headers: IncomingHttpHeaders, skip: ReadonlySet<string>): OutgoingHttpHeaders {
  const named = connectionNamed(headers)
  const out: OutgoingHttpHeaders = {}
  for (const name in headers) {
    const value = headers[name]
    if (value !== undefined && endToEnd(name, skip, named)) out[name] = value
  }
  return out
}

function endToEnd(name: string, skip: ReadonlySet<string>, named: Set<string> | undefined): boolean {
  return !HOP_BY_HOP.has(name) && !skip.has(name) && !named?.has(name)
}

/**
 * Headers sent upstream: the client's end-to-end headers, `x-forwarded-*` and the cohort (`x-zdd-user`,
 * `baggage`, merged by the caller). From a trusted proxy the forwarding chain it sent is extended with its
 * address; from anyone else every forwarding header it sent is dropped and set from the connection, so a
 * backend never takes a client's claim about its own address, scheme or host for the gateway's.
 */
export function upstreamRequestHeaders(
  incoming: IncomingHttpHeaders,
  forwarded: ForwardedFor,
  cohort: { userId: string; baggage: string },
): OutgoingHttpHeaders {
  const headers = copyEndToEnd(incoming, forwarded.trusted ? GATEWAY_OWNED : UNTRUSTED_OWNED)
  const chain = forwarded.trusted ? incoming['x-forwarded-for'] : undefined
  headers['x-forwarded-for'] = chain ? `${chain}, ${forwarded.remoteAddress}` : forwarded.remoteAddress
  headers['x-forwarded-proto'] =
    (forwarded.trusted ? incoming['x-forwarded-proto'] : undefined) ?? forwarded.protocol
  const host = (forwarded.trusted ? incoming['x-forwarded-host'] : undefined) ?? forwarded.host
  if (host) headers['x-forwarded-host'] = host
  headers['x-forwarded-prefix'] = forwarded.prefix
  headers['x-zdd-user'] = cohort.userId
  headers.baggage = cohort.baggage
  return headers
}

/** Response headers Node sets itself on the client connection. */
const RESPONSE_OWNED = new Set(['date'])

/**
 * Headers sent to the client: the upstream's end-to-end headers (Node sets its own framing headers), set
 * one by one on the reply (no intermediate object per response).
 */
export function setClientResponseHeaders(
  upstream: IncomingHttpHeaders,
  reply: { header(name: string, value: string | string[]): unknown },
): void {
  const named = connectionNamed(upstream)
  for (const name in upstream) {
    const value = upstream[name]
    if (value !== undefined && endToEnd(name, RESPONSE_OWNED, named)) reply.header(name, value)
  }
}
