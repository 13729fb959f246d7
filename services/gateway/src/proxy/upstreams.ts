import type { OutgoingHttpHeaders } from 'node:http'
import type { Readable } from 'node:stream'
import type { Dispatcher } from 'undici'
import { Agent, request as send } from './undici.ts'

export interface UpstreamRequest {
  origin: string
  path: string
  method: Dispatcher.HttpMethod
  headers: OutgoingHttpHeaders
  /** A stream is sent once: an exchange with one is never retried. */
  body: Buffer | Readable | undefined
}

export type FailureKind =
  | 'unavailable'
  | 'connect-timeout'
  | 'headers-timeout'
  | 'total-timeout'
  | 'aborted'
  | 'broken'

/** Why an upstream exchange failed before its response headers arrived. */
export class UpstreamFailure extends Error {
  readonly kind: FailureKind
  constructor(kind: FailureKind, cause: unknown) {
    super(`upstream exchange failed: ${kind}`, { cause })
    this.kind = kind
  }
}

export interface Exchange {
  response: Dispatcher.ResponseData
  retried: boolean
}

/** Sent again when they fail this way: the request never reached the upstream, or its connection was closed
 * under it before any response (the upstream closing idle sockets, or a pod going away: killed, node lost). */
const RETRYABLE = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET'])
const UNAVAILABLE = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_CLOSED',
  'UND_ERR_DESTROYED',
])
const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE'])

const TOTAL_TIMEOUT = Symbol('total timeout')
const CLIENT_GONE = Symbol('client gone')

function abortOnTimeout(controller: AbortController): void {
  controller.abort(TOTAL_TIMEOUT)
}

/** The client's side of an exchange: its response, which closes early when the client goes away. */
export interface ClientResponse {
  readonly writableFinished: boolean
  on(event: 'close', listener: () => void): unknown
  off(event: 'close', listener: () => void): unknown
}

function errorCode(err: unknown): string | undefined {
  const e = err as { code?: string; cause?: { code?: string }; errors?: Array<{ code?: string }> }
  return e?.code ?? e?.cause?.code ?? e?.errors?.[0]?.code
}

export interface PoolOptions {
  connections: number
  /** Requests per keep-alive connection before it is replaced (a Service balances new connections only); 0 never. */
  maxRequestsPerConnection?: number
  connectTimeoutMs: number
  headersTimeoutMs: number
  totalTimeoutMs: number
  /** How many times an idempotent request is sent again, each time on a new connection, after its
   * connection was refused or reset before any response; 0 never. */
  retries: number
}

/**
 * A keep-alive connection pool per upstream origin (undici Agent), one exchange = one request with a total
 * timeout over connect, headers and body, and retries for idempotent requests whose connection was refused
 * or reset before any response. A retry goes out on a connection opened for it alone: behind a Kubernetes
 * Service each new connection is balanced again, while the pool's other keep-alive connections may lead to
 * the same dead pod, and until the endpoint update reaches every node a new one may too (hence more than one).
 */
export class UpstreamPool {
  readonly #agent: Agent
  /** Retries only: no keep-alive (pipelining 0), so every retry is a new connection. */
  readonly #fresh: Agent | undefined
  readonly #retries: number
  readonly #totalTimeoutMs: number
  #closing: Promise<void> | undefined

  constructor(opts: PoolOptions) {
    this.#totalTimeoutMs = opts.totalTimeoutMs
    this.#agent = new Agent({
      connections: opts.connections,
      ...(opts.maxRequestsPerConnection ? { maxRequestsPerClient: opts.maxRequestsPerConnection } : {}),
      connect: { timeout: opts.connectTimeoutMs },
      headersTimeout: opts.headersTimeoutMs,
      bodyTimeout: opts.totalTimeoutMs,
    })
    this.#retries = opts.retries
    this.#fresh =
      opts.retries > 0
        ? new Agent({
            pipelining: 0,
            connect: { timeout: opts.connectTimeoutMs },
            headersTimeout: opts.headersTimeoutMs,
            bodyTimeout: opts.totalTimeoutMs,
          })
        : undefined
  }

  /**
   * Resolves once the response headers arrived; the total timeout keeps running until the body ends or is
   * destroyed. The exchange is aborted when `client` (the client's response) closes before it finished.
   */
  async exchange(request: UpstreamRequest, client?: ClientResponse): Promise<Exchange> {
    const controller = new AbortController()
    const timer = setTimeout(abortOnTimeout, this.#totalTimeoutMs, controller)
    timer.unref()
    const onClientClose = client
      ? () => {
          if (!client.writableFinished) controller.abort(CLIENT_GONE)
        }
      : undefined
    if (onClientClose) client?.on('close', onClientClose)
    const finish = () => {
      clearTimeout(timer)
      if (onClientClose) client?.off('close', onClientClose)
    }
    const options: Dispatcher.RequestOptions = {
      origin: request.origin,
      path: request.path,
      method: request.method,
      headers: request.headers as Record<string, string | string[]>,
      body: request.body ?? null,
      signal: controller.signal,
    }
    const retryable =
      this.#fresh !== undefined &&
      IDEMPOTENT.has(request.method) &&
      (request.body === undefined || Buffer.isBuffer(request.body))
    let retried = false
    try {
      let response: Dispatcher.ResponseData | undefined
      for (let attempt = 0; response === undefined; attempt++) {
        try {
          response = await send(attempt === 0 ? this.#agent : (this.#fresh as Agent), options)
        } catch (err) {
          const code = errorCode(err)
          if (
            !retryable ||
            attempt >= this.#retries ||
            controller.signal.aborted ||
            !code ||
            !RETRYABLE.has(code)
          )
            throw err
          retried = true
        }
      }
      response.body.once('close', finish)
      return { response, retried }
    } catch (err) {
      finish()
      throw new UpstreamFailure(classify(err, controller.signal), err)
    }
  }

  /** Waits for exchanges in flight, then closes every connection. Idempotent. */
  close(): Promise<void> {
    this.#closing ??= Promise.all([this.#agent.close(), this.#fresh?.close()]).then(() => undefined)
    return this.#closing
  }

  /** Closes every connection at once, failing exchanges in flight. */
  async destroy(): Promise<void> {
    if (!this.#agent.destroyed) await this.#agent.destroy()
    if (this.#fresh && !this.#fresh.destroyed) await this.#fresh.destroy()
  }
}

function classify(err: unknown, signal: AbortSignal): FailureKind {
  if (signal.aborted) return signal.reason === TOTAL_TIMEOUT ? 'total-timeout' : 'aborted'
  const code = errorCode(err)
  if (code === 'UND_ERR_CONNECT_TIMEOUT') return 'connect-timeout'
  if (code === 'UND_ERR_HEADERS_TIMEOUT') return 'headers-timeout'
  if (code && UNAVAILABLE.has(code)) return 'unavailable'
  return 'broken'
}
