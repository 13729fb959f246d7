import { readFileSync } from 'node:fs'
import { Agent, request } from 'node:https'
import { layout } from '../layout.ts'

/**
 * A minimal Kubernetes API client for observing a run: GET and watch streams with the admin client
 * certificate of the cluster's kubeconfig (which `zdd cluster up` wrote, so its form is known).
 * Changes are made with kubectl, as a user would.
 */
export class Api {
  readonly #agent: Agent
  readonly #server: URL
  readonly #requests = new Set<{ destroy(): void }>()
  #closed = false

  constructor(kubeconfig = layout().kubeconfig) {
    const text = readFileSync(kubeconfig, 'utf8')
    const field = (name: string) => {
      const value = new RegExp(`${name}: (\\S+)`).exec(text)?.[1]
      if (!value) throw new Error(`${kubeconfig} has no ${name}`)
      return value
    }
    const decode = (name: string) => Buffer.from(field(name), 'base64')
    this.#server = new URL(field('server'))
    this.#agent = new Agent({
      ca: decode('certificate-authority-data'),
      cert: decode('client-certificate-data'),
      key: decode('client-key-data'),
      keepAlive: true,
    })
  }

  get<T>(path: string): Promise<T> {
    return this.#call<T>('GET', path)
  }

  delete<T>(path: string): Promise<T> {
    return this.#call<T>('DELETE', path)
  }

  /** A JSON patch (RFC 6902): its `test` operations make it all-or-nothing against concurrent writers. */
  patch<T>(path: string, operations: object[]): Promise<T> {
    return this.#call<T>('PATCH', path, {
      type: 'application/json-patch+json',
      body: JSON.stringify(operations),
    })
  }

  #call<T>(method: string, path: string, content?: { type: string; body: string }): Promise<T> {
    return new Promise((resolve, reject) => {
      const headers = content ? { 'content-type': content.type } : {}
      const req = request(new URL(path, this.#server), { agent: this.#agent, method, headers }, (res) => {
        let body = ''
        res.setEncoding('utf8')
        res.on('data', (chunk: string) => {
          body += chunk
        })
        res.on('end', () => {
          if ((res.statusCode ?? 500) >= 300)
            reject(new Error(`${method} ${path}: ${res.statusCode} ${body.slice(0, 300)}`))
          else resolve(JSON.parse(body) as T)
        })
      })
      req.on('error', reject)
      req.end(content?.body)
    })
  }

  /** Streams watch events of a list path (e.g. /api/v1/namespaces/zdd/pods) until `close()`. */
  watch<T>(path: string, onEvent: (type: string, object: T) => void): void {
    if (this.#closed) return
    const url = new URL(path, this.#server)
    url.searchParams.set('watch', '1')
    // A watch ends when the API server closes it or restarts (the upgrade demo): start it again. The new
    // one begins with every current object as ADDED, which observers treat as a no-op for known objects.
    let restarted = false
    const again = () => {
      this.#requests.delete(req)
      if (restarted || this.#closed) return
      restarted = true
      setTimeout(() => this.watch(path, onEvent), 500).unref()
    }
    const req = request(url, { agent: this.#agent }, (res) => {
      let buffer = ''
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => {
        buffer += chunk
        for (let nl = buffer.indexOf('\n'); nl >= 0; nl = buffer.indexOf('\n')) {
          const line = buffer.slice(0, nl)
          buffer = buffer.slice(nl + 1)
          if (!line) continue
          const event = JSON.parse(line) as { type: string; object: T }
          onEvent(event.type, event.object)
        }
      })
      res.on('error', again)
    })
    // 'close' comes however the exchange ends: the server closed the stream, or the connection broke.
    req.on('close', again)
    req.on('error', again)
    req.end()
    this.#requests.add(req)
  }

  close(): void {
    this.#closed = true
    for (const req of this.#requests) req.destroy()
    this.#requests.clear()
    this.#agent.destroy()
  }
}
