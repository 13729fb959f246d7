// W3C Baggage (https://www.w3.org/TR/baggage/): `key=value;property, key2=value2`, values percent-encoded.

/** Members kept from the incoming header at most; the W3C limit every implementation must accept is 64. */
const MAX_MEMBERS = 64
/** The W3C limit on the whole header, in bytes. */
const MAX_BYTES = 8192
/** Characters a baggage value may hold unencoded that encodeURIComponent leaves alone as well. */
const PLAIN_VALUE = /^[\w.~-]*$/

/** `key=value`, the value percent-encoded (skipped for the plain ids and names the gateway sends). */
export function baggageMember(key: string, value: string): string {
  return `${key}=${PLAIN_VALUE.test(value) ? value : encodeURIComponent(value)}`
}

/**
 * The incoming baggage with `ours` set: members with our keys are replaced, others kept in their order
 * (as many as fit in the W3C limits, ours first to be kept).
 */
export function mergeBaggage(
  incoming: string | string[] | undefined,
  ours: Readonly<Record<string, string>>,
): string {
  const keys = new Set(Object.keys(ours))
  const own = Object.entries(ours)
    .map(([key, value]) => baggageMember(key, value))
    .join(',')
  return mergeMembers(incoming, keys, own)
}

/** `mergeBaggage` with our members already encoded and joined (`own`) and their keys in `ownKeys`. */
export function mergeMembers(
  incoming: string | string[] | undefined,
  ownKeys: ReadonlySet<string>,
  own: string,
): string {
  if (incoming === undefined || incoming === '') return own
  const text = Array.isArray(incoming) ? incoming.join(',') : incoming
  const kept: string[] = []
  let bytes = own.length
  for (const raw of text.split(',')) {
    const member = raw.trim()
    const key = member.split('=', 1)[0]?.trim() ?? ''
    if (!member.includes('=') || key === '' || ownKeys.has(key)) continue
    if (kept.length + ownKeys.size >= MAX_MEMBERS || bytes + member.length + 1 > MAX_BYTES) break
    kept.push(member)
    bytes += member.length + 1
  }
  kept.push(own)
  return kept.join(',')
}
