import type { Readable } from 'node:stream'
import type { FastifyBaseLogger } from 'fastify'
import type { GatewayMetrics } from '../metrics.ts'
import type { UpstreamPool, UpstreamRequest } from '../proxy/upstreams.ts'
import { type Captured, compare, normalise } from './compare.ts'
import type { RequestCopy } from './request-copy.ts'

type ShadowOutcome = Captured | 'too-large' | { error: unknown }
export type PrimaryCapture = Promise<Buffer | 'too-large' | undefined>
/** Hands the primary's status, content type and captured body to the comparison once the body ended. */
export type Settle = (
  primary: { status: number; contentType: string | undefined; body: PrimaryCapture } | undefined,
) => void

/** At most one mismatch log line per route per interval; the rest are counted in `suppressed`. */
const MISMATCH_LOG_INTERVAL_MS = 1000
const SAMPLE_CHARS = 500

/**
 * Mirrors requests to a shadow upstream and compares its response with the primary's. Nothing here can
 * touch the client's response: the shadow exchange runs on its own pool beside the primary one, with its
 * own timeout, at most `concurrency` at a time per route (beyond that, requests are not mirrored), and every failure
 * ends as a counted result.
 */
export class ShadowMirror {
  readonly #pool: UpstreamPool
  readonly #metrics: GatewayMetrics
  readonly #log: FastifyBaseLogger
  readonly #concurrency: number
  readonly #maxBodyBytes: number
  readonly #lastLogged = new Map<string, { at: number; suppressed: number }>()
  /** Shadow exchanges in flight per route: a slow shadow on one route never stops another's mirroring. */
  readonly #inFlight = new Map<string, number>()

  constructor(opts: {
    pool: UpstreamPool
    metrics: GatewayMetrics
    log: FastifyBaseLogger
    concurrency: number
    maxBodyBytes: number
  }) {
    this.#pool = opts.pool
    this.#metrics = opts.metrics
    this.#log = opts.log
    this.#concurrency = opts.concurrency
    this.#maxBodyBytes = opts.maxBodyBytes
  }

  inFlight(route: string): number {
    return this.#inFlight.get(route) ?? 0
  }

  /**
   * Sends the shadow request (once `body` has its copy of the request body, when it has one); undefined
   * when too many are in flight already (counted as dropped).
   */
  start(
    route: string,
    ignore: readonly string[],
    request: UpstreamRequest,
    body?: RequestCopy['copy'],
  ): Settle | undefined {
    const inFlight = this.inFlight(route)
    if (inFlight >= this.#concurrency) {
      void body?.then((copy) => 'release' in copy && copy.release())
      this.#metrics.shadowDropped.inc({ route, reason: 'busy' })
      return undefined
    }
    this.#inFlight.set(route, inFlight + 1)
    const headers = { ...request.headers, 'x-zdd-shadow': '1' }
    const shadow = (async (): Promise<ShadowOutcome | 'dropped'> => {
      if (!body) return this.#fetch({ ...request, headers })
      const copy = await body
      if ('drop' in copy) {
        this.#metrics.shadowDropped.inc({ route, reason: copy.drop })
        return 'dropped'
      }
      try {
        return await this.#fetch({ ...request, headers, body: copy.body })
      } finally {
        copy.release()
      }
    })().finally(() => {
      this.#inFlight.set(route, this.inFlight(route) - 1)
    })
    return (primary) => {
      if (primary === undefined) return
      void Promise.all([primary.body, shadow]).then(([body, outcome]) => {
        if (body === undefined || outcome === 'dropped') return // nothing to compare
        this.#judge(route, ignore, request.path, body, primary, outcome)
      })
    }
  }

  async #fetch(request: UpstreamRequest): Promise<ShadowOutcome> {
    try {
      const { response } = await this.#pool.exchange(request)
      const body = await readBounded(response.body, this.#maxBodyBytes)
      if (body === 'too-large') return body
      const contentType = response.headers['content-type']
      return {
        status: response.statusCode,
        contentType: Array.isArray(contentType) ? contentType[0] : contentType,
        body,
      }
    } catch (error) {
      return { error }
    }
  }

  #judge(
    route: string,
    ignore: readonly string[],
    path: string,
    body: Buffer | 'too-large',
    primary: { status: number; contentType: string | undefined },
    outcome: ShadowOutcome,
  ): void {
    if (typeof outcome === 'object' && 'error' in outcome) {
      this.#metrics.shadowRequests.inc({ route, result: 'error' })
      const { error } = outcome as { error: { kind?: string; cause?: { code?: string } } }
      this.#log.debug({ route, path, kind: error.kind, code: error.cause?.code }, 'shadow request failed')
      return
    }
    if (body === 'too-large' || outcome === 'too-large') {
      this.#metrics.shadowDropped.inc({ route, reason: 'too_large' })
      return
    }
    const captured: Captured = { ...primary, body }
    const verdict = compare(captured, outcome, ignore)
    this.#metrics.shadowRequests.inc({ route, result: verdict.match ? 'match' : 'mismatch' })
    if (!verdict.match) this.#logMismatch(route, path, verdict.reason, captured, outcome, ignore)
  }

  #logMismatch(
    route: string,
    path: string,
    reason: string,
    primary: Captured,
    shadow: Captured,
    ignore: readonly string[],
  ) {
    const now = performance.now()
    const last = this.#lastLogged.get(route)
    if (last && now - last.at < MISMATCH_LOG_INTERVAL_MS) {
      last.suppressed++
      return
    }
    this.#lastLogged.set(route, { at: now, suppressed: 0 })
    const sample = (captured: Captured) => ({
      status: captured.status,
      body: normalise(captured, ignore).slice(0, SAMPLE_CHARS),
    })
    this.#log.warn(
      {
        route,
        path,
        reason,
        primary: sample(primary),
        shadow: sample(shadow),
        suppressedSinceLast: last?.suppressed ?? 0,
      },
      'shadow mismatch',
    )
  }
}

async function readBounded(body: Readable, maxBytes: number): Promise<Buffer | 'too-large'> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of body as AsyncIterable<Buffer>) {
    size += chunk.length
    if (size > maxBytes) {
      body.destroy()
      return 'too-large'
    }
    chunks.push(chunk)
  }
  return Buffer.concat(chunks)
}
