import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { TestContext } from 'node:test'

export interface Seen {
  method: string
  url: string
  headers: IncomingMessage['headers']
  body: string
}

export interface Upstream {
  name: string
  port: number
  url: string
  /** Every request this upstream received, in order. */
  seen: Seen[]
  close(): Promise<void>
}

export type Handler = (request: Seen, response: ServerResponse) => void | Promise<void>

/**
 * A real HTTP server on 127.0.0.1 standing in for a backend: by default it answers 200 JSON saying who it is
 * and what it received, with `x-served-by: <name>@<version>/<name>-pod` as the real services do.
 */
export async function startUpstream(
  t: TestContext,
  name: string,
  opts: { version?: string; handler?: Handler; port?: number } = {},
): Promise<Upstream> {
  const version = opts.version ?? 'v1'
  const seen: Seen[] = []
  const server = createServer({ keepAliveTimeout: 60_000 }, (request, response) => {
    let body = ''
    request.setEncoding('utf8')
    request.on('data', (chunk: string) => {
      body += chunk
    })
    request.on('end', () => {
      const entry = { method: request.method ?? '', url: request.url ?? '', headers: request.headers, body }
      seen.push(entry)
      response.setHeader('x-served-by', `${name}@${version}/${name}-pod`)
      if (opts.handler) {
        void opts.handler(entry, response)
        return
      }
      const payload = JSON.stringify({ upstream: name, version, method: entry.method, url: entry.url })
      response.writeHead(200, {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(payload),
      })
      response.end(payload)
    })
  })
  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port
  let closing: Promise<void> | undefined
  const close = () => {
    closing ??= new Promise<void>((resolve) => {
      server.close(() => resolve())
      server.closeAllConnections()
    })
    return closing
  }
  t.after(close)
  return { name, port, url: `http://127.0.0.1:${port}`, seen, close }
}

/** Sends a JSON body with the given status. */
export function sendJson(response: ServerResponse, status: number, value: unknown): void {
  const payload = JSON.stringify(value)
  response.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(payload),
  })
  response.end(payload)
}
