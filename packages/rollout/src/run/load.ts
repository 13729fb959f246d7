import { buildConnector, Client } from 'undici'
import type { Clock } from '../model/clock.ts'

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
  /** The user the request named in `x-zdd-user` (LoadSpec.users). */
  user?: string
  /** What a gateway decided (`x-zdd-route: <route>; track=<…>; variant=<…>`), when one answered. */
  track?: string
  variant?: string
  /** LoadSpec.markOf's verdict on the response body, e.g. 'discount' for a feature switch's new behaviour. */
  mark?: string
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
  /**
   * Distinct users, named in turn in `x-zdd-user` (`u0000`, `u0001`, …), so that a gateway routing per user
   * (rollout %, variants) shows its split as a share of requests; 0 or unset: no user header.
   */
  users?: number
  /**
   * Response headers naming who served a request (`<service>@<version>/<pod>`), the first present wins;
   * default `x-served-by`. Behind a gateway that is itself rolled: `x-zdd-gateway`, then `x-served-by`.
   */
  servedBy?: readonly string[]
  /** Reads each response body and marks it (e.g. 'discount' when it shows a feature switch's behaviour). */
  markOf?: (body: string) => string | undefined
  /**
   * Sends each request on a connection with nothing in flight when there is one (else in turn), so that a
   * slow answer does not hold up the next requests queued behind it on the same connection: per-cohort
   * latency (canary vs stable, variant a vs b) then measures the backends, not the client's queue.
   */
  idleFirst?: boolean
}

/** `x-zdd-route: catalog; track=canary; variant=none` → track and variant. */
export function parseRoute(header: string | string[] | undefined): { track?: string; variant?: string } {
  const value = Array.isArray(header) ? header[0] : header
  if (!value) return {}
  const fields = Object.fromEntries(
    value
      .split(';')
      .slice(1)
      .map((part) => part.trim().split('=') as [string, string | undefined]),
  )
  return {
    ...(fields.track ? { track: fields.track } : {}),
    ...(fields.variant ? { variant: fields.variant } : {}),
  }
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
  /** Requests each client has sent and not yet seen answered. */
  readonly #outstanding: number[]
  #nextClient = 0
  /** Requests waiting for their answer → their send time (insertion order: the oldest first). */
  readonly #inFlight = new Map<Promise<void>, number>()
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
    this.#outstanding = Array.from({ length: spec.connections }, () => 0)
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
    await Promise.all(this.#inFlight.keys())
    await Promise.all(this.#clients.map((client) => client.close()))
  }

  /** The send time of the oldest request still waiting for its answer; undefined when none is. */
  oldestInFlightMs(): number | undefined {
    for (const scheduledAt of this.#inFlight.values()) return scheduledAt
    return undefined
  }

  #tick(): void {
    const due = Math.floor(((this.#clock() - this.#startedAt) * this.#spec.rps) / 1000)
    while (this.#issued < due) {
      const scheduledAt = this.#startedAt + (this.#issued * 1000) / this.#spec.rps
      const user = this.#spec.users
        ? `u${String(this.#issued % this.#spec.users).padStart(4, '0')}`
        : undefined
      this.#issued += 1
      const pending = this.#send(scheduledAt, user)
      this.#inFlight.set(pending, scheduledAt)
      void pending.finally(() => this.#inFlight.delete(pending))
    }
  }

  #pickClient(): number {
    const start = this.#nextClient
    if (!this.#spec.idleFirst) return start
    const count = this.#clients.length
    for (let i = 0; i < count; i++) {
      const index = (start + i) % count
      if (this.#outstanding[index] === 0) return index
    }
    return start
  }

  async #send(scheduledAt: number, user: string | undefined): Promise<void> {
    let record: RequestRecord
    const index = this.#pickClient()
    this.#nextClient = (index + 1) % this.#clients.length
    this.#outstanding[index] = (this.#outstanding[index] ?? 0) + 1
    const { markOf } = this.#spec
    try {
      const client = this.#clients[index] as Client
      const response = await client.request({
        method: 'GET',
        path: this.#spec.path,
        ...(user ? { headers: { 'x-zdd-user': user } } : {}),
      })
      let mark: string | undefined
      if (markOf) mark = markOf(await response.body.text())
      else await response.body.dump()
      const status = response.statusCode
      const header = (this.#spec.servedBy ?? ['x-served-by']).find((name) => response.headers[name])
      const served = parseServedBy(header ? response.headers[header] : undefined)
      const route = parseRoute(response.headers['x-zdd-route'])
      record = { tMs: scheduledAt, latencyMs: this.#clock() - scheduledAt, status, ...served, ...route }
      if (status >= 500) record.failure = 'http_5xx'
      else if (status >= 400) record.failure = 'http_4xx'
      else if (mark !== undefined) record.mark = mark
    } catch (err) {
      const { failure, code } = classifyError(err)
      record = { tMs: scheduledAt, latencyMs: this.#clock() - scheduledAt, failure, errorCode: code }
      const port = this.#localPorts[index]
      const routedTo = port === undefined ? undefined : this.#spec.routeOf?.(port)
      if (routedTo !== undefined) record.routedTo = routedTo
    } finally {
      this.#outstanding[index] = (this.#outstanding[index] ?? 1) - 1
    }
    if (user) record.user = user
    this.records.push(record)
    this.#onRecord?.(record)
  }
}
