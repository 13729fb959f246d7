import { buildConnector, Client } from 'undici'
import type { Clock } from './clock.ts'

export type FailureKind = 'refused' | 'reset' | 'timeout' | 'http_5xx' | 'http_4xx' | 'other'

export interface RequestRecord {
  /** Scheduled send time on the harness clock (open loop: latency counts from here). */
  tMs: number
  latencyMs: number
  status?: number
  /** Undefined when the request succeeded. */
  failure?: FailureKind
  errorCode?: string
  version?: string
  pod?: string
  /** For a failure: the pod the Service had sent this connection to ('' when it had none), when known. */
  routedTo?: string
}

export interface LoadSpec {
  /** Base URL of the Service, e.g. http://127.0.0.1:PORT */
  origin: string
  path: string
  rps: number
  /** Keep-alive connections, each a separate client (like many users or upstream pods), used in turn. */
  connections: number
  timeoutMs: number
  /**
   * Requests per connection before the client closes it (`Connection: close` on the last one), like a
   * client's or proxy's keep-alive request limit; 0 keeps every connection for the whole run.
   */
  maxRequestsPerConnection?: number
  /** Which pod the Service routed the connection from this client port to (ServiceBalancer.routeOf). */
  routeOf?: (clientPort: number) => string | undefined
}

const TICK_MS = 5

/** `x-served-by: <service>@<version>/<pod>` → version and pod. */
export function parseServedBy(header: string | string[] | undefined): { version?: string; pod?: string } {
  const value = Array.isArray(header) ? header[0] : header
  const match = value ? /^[^@]+@([^/]+)\/(.+)$/.exec(value) : null
  return match ? { version: match[1], pod: match[2] } : {}
}

export function classifyError(err: unknown): { failure: FailureKind; code: string } {
  const code = (err as { code?: string }).code ?? (err as Error).name ?? 'UNKNOWN'
  switch (code) {
    case 'ECONNREFUSED':
      return { failure: 'refused', code }
    case 'ECONNRESET':
    case 'EPIPE':
    case 'UND_ERR_SOCKET':
    case 'UND_ERR_CLOSED':
      return { failure: 'reset', code }
    case 'UND_ERR_HEADERS_TIMEOUT':
    case 'UND_ERR_BODY_TIMEOUT':
    case 'UND_ERR_CONNECT_TIMEOUT':
    case 'ETIMEDOUT':
      return { failure: 'timeout', code }
    default:
      return { failure: 'other', code }
  }
}

/**
 * Open-loop load: requests are sent on a fixed schedule whatever the server does (a slow or failing server
 * does not slow the sender down), over a pool of keep-alive connections, and every single request is
 * recorded. No retries: a client that retries hides exactly the failures this harness exists to count.
 */
export class LoadGenerator {
  readonly records: RequestRecord[] = []
  readonly #clients: Client[]
  /** Local port of each client's current connection, to trace failures to a pod. */
  readonly #localPorts: Array<number | undefined>
  #nextClient = 0
  readonly #inFlight = new Set<Promise<void>>()
  #timer: NodeJS.Timeout | undefined
  #startedAt = 0
  #issued = 0

  readonly #spec: LoadSpec
  readonly #clock: Clock
  readonly #onRecord: ((record: RequestRecord) => void) | undefined

  constructor(spec: LoadSpec, clock: Clock, onRecord?: (record: RequestRecord) => void) {
    this.#spec = spec
    this.#clock = clock
    this.#onRecord = onRecord
    // One connection per client, requests spread over all of them: a Service sees many long-lived
    // keep-alive connections, which is what makes connection-level balancing matter during a rollout.
    this.#localPorts = Array.from({ length: spec.connections }, () => undefined)
    const connector = buildConnector({ timeout: spec.timeoutMs })
    this.#clients = Array.from(
      { length: spec.connections },
      (_, index) =>
        new Client(spec.origin, {
          pipelining: 1,
          headersTimeout: spec.timeoutMs,
          bodyTimeout: spec.timeoutMs,
          ...(spec.maxRequestsPerConnection ? { maxRequestsPerClient: spec.maxRequestsPerConnection } : {}),
          connect: (options, callback) =>
            connector(options, (err, socket) => {
              this.#localPorts[index] = socket?.localPort
              if (err) callback(err, null)
              else callback(null, socket as NonNullable<typeof socket>)
            }),
        }),
    )
  }

  start(): void {
    this.#startedAt = this.#clock()
    this.#issued = 0
    this.#timer = setInterval(() => this.#tick(), TICK_MS)
  }

  /** Stops sending, waits for the requests already sent, closes the connections. */
  async stop(): Promise<void> {
    clearInterval(this.#timer)
    this.#tick() // send what was due up to now, so the rate holds to the last millisecond
    await Promise.all(this.#inFlight)
    await Promise.all(this.#clients.map((client) => client.close()))
  }

  #tick(): void {
    const due = Math.floor(((this.#clock() - this.#startedAt) * this.#spec.rps) / 1000)
    while (this.#issued < due) {
      const scheduledAt = this.#startedAt + (this.#issued * 1000) / this.#spec.rps
      this.#issued += 1
      const pending = this.#send(scheduledAt)
      this.#inFlight.add(pending)
      void pending.finally(() => this.#inFlight.delete(pending))
    }
  }

  async #send(scheduledAt: number): Promise<void> {
    let record: RequestRecord
    const index = this.#nextClient
    this.#nextClient = (this.#nextClient + 1) % this.#clients.length
    try {
      const client = this.#clients[index] as Client
      const response = await client.request({ method: 'GET', path: this.#spec.path })
      await response.body.dump()
      const status = response.statusCode
      const served = parseServedBy(response.headers['x-served-by'])
      record = { tMs: scheduledAt, latencyMs: this.#clock() - scheduledAt, status, ...served }
      if (status >= 500) record.failure = 'http_5xx'
      else if (status >= 400) record.failure = 'http_4xx'
    } catch (err) {
      const { failure, code } = classifyError(err)
      record = { tMs: scheduledAt, latencyMs: this.#clock() - scheduledAt, failure, errorCode: code }
      const port = this.#localPorts[index]
      const routedTo = port === undefined ? undefined : this.#spec.routeOf?.(port)
      if (routedTo !== undefined) record.routedTo = routedTo
    }
    this.records.push(record)
    this.#onRecord?.(record)
  }
}
