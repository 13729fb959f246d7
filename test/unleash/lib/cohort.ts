import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { FlagClient, type FlagsDocument, writeFlagsFile } from '@zdd/flags'
import { Pool } from 'undici'

export interface Routed {
  track: string
  variant: string
  servedBy: string
  /** Catalog answers: whether the catalog-discount switch was on for the user. */
  discount?: boolean
}

export const users = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}-${i}`)

/** Sends one request per user through the gateway and reads where it went (x-zdd-route, x-served-by). */
export async function sweep(
  origin: string,
  path: string,
  ids: string[],
  concurrency = 16,
): Promise<Map<string, Routed>> {
  const pool = new Pool(origin, { connections: concurrency })
  const result = new Map<string, Routed>()
  let next = 0
  const worker = async () => {
    while (next < ids.length) {
      const id = ids[next++] as string
      const res = await pool.request({ path, method: 'GET', headers: { 'x-zdd-user': id } })
      const text = await res.body.text()
      if (res.statusCode !== 200) throw new Error(`GET ${path} as ${id}: ${res.statusCode} ${text}`)
      const route = String(res.headers['x-zdd-route'] ?? '')
      const routed: Routed = {
        track: /track=(\w+)/.exec(route)?.[1] ?? '?',
        variant: /variant=(\w+)/.exec(route)?.[1] ?? '?',
        servedBy: String(res.headers['x-served-by'] ?? ''),
      }
      if (path.startsWith('/api/catalog')) {
        const body = JSON.parse(text) as { items: { listPriceCents?: number }[] }
        routed.discount = body.items.some((item) => item.listPriceCents !== undefined)
      }
      result.set(id, routed)
    }
  }
  try {
    await Promise.all(Array.from({ length: concurrency }, worker))
  } finally {
    await pool.close()
  }
  return result
}

export interface Expected {
  variant: Map<string, string>
  enabled: Map<string, boolean>
}

/** What Unleash's own hashing (the SDK, offline) gives each user for `flag` under the definitions in `doc`. */
export async function evaluate(doc: FlagsDocument, flag: string, ids: string[]): Promise<Expected> {
  const dir = mkdtempSync(join(tmpdir(), 'zdd-expect-'))
  const file = join(dir, 'flags.json')
  writeFlagsFile(file, doc)
  const quiet = { info() {}, warn() {}, error() {} }
  const client = new FlagClient({
    appName: 'expect',
    environment: 'development',
    file,
    refreshMs: 1000,
    log: quiet,
  })
  try {
    await client.start()
    const expected: Expected = { variant: new Map(), enabled: new Map() }
    for (const id of ids) {
      expected.variant.set(id, client.variant(flag, { userId: id }).name)
      expected.enabled.set(id, client.isEnabled(flag, { userId: id }))
    }
    return expected
  } finally {
    await client.close()
    rmSync(dir, { recursive: true, force: true })
  }
}

export function share<T>(values: Iterable<T>, predicate: (value: T) => boolean): number {
  let n = 0
  let yes = 0
  for (const value of values) {
    n++
    if (predicate(value)) yes++
  }
  return n === 0 ? 0 : yes / n
}

/** Polls until every probe user routes as wanted; resolves with the milliseconds it took from `since`. */
export async function propagation(
  since: number,
  probe: () => Promise<boolean>,
  timeoutMs: number,
): Promise<number> {
  for (;;) {
    if (await probe()) return performance.now() - since
    if (performance.now() - since > timeoutMs)
      throw new Error(`the change did not reach the gateway within ${timeoutMs} ms`)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}
