import { connect, createServer, type Server, type Socket } from 'node:net'

export interface Endpoint {
  host: string
  port: number
}

export interface BalancerStats {
  connections: number
  /** Connections reset because no endpoint was ready (kube-proxy rejects these). */
  noEndpoint: number
  /** Upstream connect failures by code, e.g. ECONNREFUSED from a pod that closed its listener too early. */
  upstreamErrors: Record<string, number>
}

const MAX_ROUTES = 8192

/**
 * A Kubernetes Service as kube-proxy implements it: balancing *connections*, not requests. A new
 * connection goes round-robin to a current endpoint; an established one stays on its pod until either side
 * closes it. A failure to reach the pod is passed to the client as a reset, the way a NATed connection to a
 * closed port fails.
 */
export class ServiceBalancer {
  readonly stats: BalancerStats = { connections: 0, noEndpoint: 0, upstreamErrors: {} }
  readonly #endpoints = new Map<string, Endpoint>()
  /** Client port → endpoint name ('' for none), so a failed request can be traced to the pod it reached. */
  readonly #routes = new Map<number, string>()
  readonly #sockets = new Set<Socket>()
  #next = 0
  #server: Server | undefined

  get endpointNames(): string[] {
    return [...this.#endpoints.keys()]
  }

  /**
   * The endpoint a client connection (by the client's local port) was sent to: '' when there was none,
   * undefined when unknown. Remembers the most recent connections only.
   */
  routeOf(clientPort: number): string | undefined {
    return this.#routes.get(clientPort)
  }

  setEndpoint(name: string, endpoint: Endpoint | undefined): void {
    if (endpoint) this.#endpoints.set(name, endpoint)
    else this.#endpoints.delete(name)
  }

  async listen(port = 0): Promise<number> {
    const server = createServer({ allowHalfOpen: true }, (client) => this.#route(client))
    this.#server = server
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(port, '127.0.0.1', resolve)
    })
    const address = server.address()
    if (address === null || typeof address === 'string') throw new Error('balancer has no TCP address')
    return address.port
  }

  async close(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy()
    const server = this.#server
    if (server) await new Promise((resolve) => server.close(resolve))
  }

  #pick(): [string, Endpoint] | undefined {
    const endpoints = [...this.#endpoints.entries()]
    if (endpoints.length === 0) return undefined
    this.#next = (this.#next + 1) % endpoints.length
    return endpoints[this.#next]
  }

  #route(client: Socket): void {
    this.stats.connections += 1
    this.#track(client)
    const picked = this.#pick()
    this.#remember(client.remotePort, picked?.[0] ?? '')
    if (!picked) {
      this.stats.noEndpoint += 1
      client.resetAndDestroy()
      return
    }
    const [, endpoint] = picked
    const upstream = connect({ host: endpoint.host, port: endpoint.port, allowHalfOpen: true })
    this.#track(upstream)
    let connected = false
    upstream.once('connect', () => {
      connected = true
    })
    upstream.on('error', (err: NodeJS.ErrnoException) => {
      if (!connected) {
        const code = err.code ?? 'UNKNOWN'
        this.stats.upstreamErrors[code] = (this.stats.upstreamErrors[code] ?? 0) + 1
      }
      if (!client.destroyed) client.resetAndDestroy()
    })
    client.on('error', () => {
      if (!upstream.destroyed) upstream.resetAndDestroy()
    })
    client.pipe(upstream)
    upstream.pipe(client)
    client.once('close', () => upstream.destroy())
    upstream.once('close', () => {
      // Half-close first (FIN after the last byte), then make sure nothing lingers.
      if (!client.destroyed) client.end()
    })
  }

  #remember(port: number | undefined, name: string): void {
    if (port === undefined) return
    this.#routes.delete(port)
    this.#routes.set(port, name)
    if (this.#routes.size > MAX_ROUTES) {
      const oldest = this.#routes.keys().next()
      if (!oldest.done) this.#routes.delete(oldest.value)
    }
  }

  #track(socket: Socket): void {
    this.#sockets.add(socket)
    socket.once('close', () => this.#sockets.delete(socket))
  }
}
