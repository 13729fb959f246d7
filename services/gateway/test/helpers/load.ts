import { Pool } from 'undici'

export interface Routed {
  status: number
  route: string
  track: string
  variant: string
  servedBy: string
  latencyMs: number
}

/** `catalog; track=canary; variant=none` → its parts. */
export function parseRoute(header: string | string[] | undefined): {
  route: string
  track: string
  variant: string
} {
  const [route = '', ...rest] = String(header ?? '')
    .split(';')
    .map((part) => part.trim())
  const fields = Object.fromEntries(rest.map((part) => part.split('=') as [string, string]))
  return { route, track: fields.track ?? '', variant: fields.variant ?? '' }
}

/**
 * Sends one GET per entry of `users` (as `x-zdd-user`) over keep-alive connections, `concurrency` at a
 * time, and returns how each was routed, in the order of `users`.
 */
export async function sendAs(
  origin: string,
  path: string,
  users: readonly string[],
  opts: { concurrency?: number; headers?: Record<string, string> } = {},
): Promise<Routed[]> {
  const concurrency = opts.concurrency ?? 32
  const pool = new Pool(origin, { connections: concurrency })
  const results: Routed[] = new Array(users.length)
  let next = 0
  const worker = async () => {
    while (next < users.length) {
      const index = next++
      const startedAt = performance.now()
      const response = await pool.request({
        path,
        method: 'GET',
        headers: { ...opts.headers, 'x-zdd-user': users[index] as string },
      })
      await response.body.dump()
      results[index] = {
        status: response.statusCode,
        ...parseRoute(response.headers['x-zdd-route']),
        servedBy: String(response.headers['x-served-by'] ?? ''),
        latencyMs: performance.now() - startedAt,
      }
    }
  }
  try {
    await Promise.all(Array.from({ length: concurrency }, worker))
  } finally {
    await pool.close()
  }
  return results
}

/** Distinct user ids `<prefix>-0` … `<prefix>-(count-1)`. */
export function users(prefix: string, count: number): string[] {
  return Array.from({ length: count }, (_, i) => `${prefix}-${i}`)
}

export function share(results: readonly Routed[], match: (r: Routed) => boolean): number {
  return (100 * results.filter(match).length) / results.length
}
