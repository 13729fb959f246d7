// W3C Baggage (https://www.w3.org/TR/baggage/): `key=value;property, key2=value2`, values percent-encoded.

/** Members kept from the incoming header at most; the W3C limit every implementation must accept is 64. */
const MAX_MEMBERS = 64
/** The W3C limit on the whole header, in bytes. */
const MAX_BYTES = 8192

/**
 * The incoming baggage with `ours` set: members with our keys are replaced, others kept in their order
 * (as many as fit in the W3C limits, ours first to be kept).
 */
export function mergeBaggage(
  incoming: string | string[] | undefined,
  ours: Readonly<Record<string, string>>,
): string {
  const own = Object.entries(ours).map(([key, value]) => `${key}=${encodeURIComponent(value)}`)
  const text = Array.isArray(incoming) ? incoming.join(',') : (incoming ?? '')
  const kept: string[] = []
  let bytes = own.join(',').length
  for (const raw of text.split(',')) {
    const member = raw.trim()
    const key = member.split('=', 1)[0]?.trim() ?? ''
    if (!member.includes('=') || key === '' || key in ours) continue
    if (kept.length + own.length >= MAX_MEMBERS || bytes + member.length + 1 > MAX_BYTES) break
    kept.push(member)
    bytes += member.length + 1
  }
  return [...kept, ...own].join(',')
}
