import { setTimeout as sleep } from 'node:timers/promises'
import { type Answer, get, keepAliveAgent } from './http.ts'

/** One request of the load, timed from the run's start. */
export interface Sent extends Answer {
  /** ms since the run's start when it was sent. */
  at: number
  via: 'new' | 'keep-alive'
}

/** Keep-alive callers, each with its own pooled connection. */
const KEEP_ALIVE_CLIENTS = 4

/**
 * Traffic as a Service in front of one pod sees it: half the rate on new connections (what kube-proxy routes,
 * to this pod until its endpoint is removed everywhere: the propagation window), half on keep-alive connections
 * (which keep going to this pod for as long as the connection lives, whatever the endpoints say). A keep-alive
 * caller whose connection is closed, or told `Connection: close`, reconnects through the Service: to this pod
 * while the window lasts, to another one after it (so it stops here).
 */
export class Load {
  readonly sent: Sent[] = []
  #origin: number
  #windowEnd = Number.POSITIVE_INFINITY
  #stopped = false
  #running: Promise<void>[] = []
  #inFlight = new Set<Promise<unknown>>()

  readonly port: number
  readonly path: string
  readonly rps: number
  readonly host: string

  constructor(port: number, path: string, rps: number, origin: number, host = '127.0.0.1') {
    this.host = host
    this.port = port
    this.path = path
    this.rps = rps
    this.#origin = origin
  }

  start(): void {
    const perClient = Math.max(1, this.rps / 2 / KEEP_ALIVE_CLIENTS)
    for (let i = 0; i < KEEP_ALIVE_CLIENTS; i++) this.#running.push(this.#keepAlive(1000 / perClient))
    this.#running.push(this.#newConnections(1000 / Math.max(0.5, this.rps / 2)))
  }

  /** The pod is deleted: new connections stop arriving `propagationMs` later. */
  podDeleted(propagationMs: number): void {
    this.#windowEnd = performance.now() + propagationMs
  }

  /** Stops every caller and waits for the answers still due. */
  async stop(): Promise<void> {
    this.#stopped = true
    await Promise.all(this.#running)
    await Promise.all(this.#inFlight)
  }

  #open(): boolean {
    return !this.#stopped && performance.now() < this.#windowEnd
  }

  async #send(via: Sent['via'], options: Parameters<typeof get>[2]): Promise<Sent> {
    const at = Math.round(performance.now() - this.#origin)
    const pending = get(this.port, this.path, { ...options, host: this.host })
    this.#inFlight.add(pending)
    const answer = await pending
    this.#inFlight.delete(pending)
    const sent = { ...answer, at, via }
    this.sent.push(sent)
    return sent
  }

  async #newConnections(intervalMs: number): Promise<void> {
    let next = performance.now()
    while (this.#open()) {
      void this.#send('new', { timeoutMs: 60_000 })
      next += intervalMs
      await sleep(Math.max(0, next - performance.now()))
    }
  }

  async #keepAlive(intervalMs: number): Promise<void> {
    const agent = keepAliveAgent()
    let next = performance.now() + Math.random() * intervalMs
    let connected = false
    try {
      while (!this.#stopped) {
        await sleep(Math.max(0, next - performance.now()))
        next += intervalMs
        // Without a live connection, the caller connects through the Service: here only inside the window.
        const hasConnection =
          connected && Object.values(agent.freeSockets).some((list) => (list?.length ?? 0) > 0)
        if (!hasConnection && !this.#open()) return
        const sent = await this.#send('keep-alive', { agent, timeoutMs: 60_000 })
        connected = sent.error === undefined && !sent.connectionClose
      }
    } finally {
      agent.destroy()
    }
  }
}
