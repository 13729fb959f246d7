export interface Captured {
  status: number
  contentType: string | undefined
  body: Buffer
}

export type Verdict = { match: true } | { match: false; reason: 'status' | 'body' }

const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\b/i

/**
 * Same status, and the same body once normalised: JSON compared by value (key order ignored, `ignore`
 * top-level fields left out, e.g. the version that is expected to differ), anything else byte for byte.
 */
export function compare(primary: Captured, shadow: Captured, ignore: readonly string[]): Verdict {
  if (primary.status !== shadow.status) return { match: false, reason: 'status' }
  return normalise(primary, ignore) === normalise(shadow, ignore)
    ? { match: true }
    : { match: false, reason: 'body' }
}

export function normalise(captured: Captured, ignore: readonly string[]): string {
  const text = captured.body.toString('utf8')
  if (!JSON_TYPE.test(captured.contentType ?? '')) return text
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    return text
  }
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const object = { ...(value as Record<string, unknown>) }
    for (const field of ignore) delete object[field]
    value = object
  }
  return JSON.stringify(value, (_key, inner: unknown) =>
    inner !== null && typeof inner === 'object' && !Array.isArray(inner)
      ? Object.fromEntries(
          Object.entries(inner as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
        )
      : inner,
  )
}
