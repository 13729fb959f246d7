import { request as httpRequest, type IncomingHttpHeaders } from 'node:http'
import { connect } from 'node:net'

export interface Response {
  status: number
  headers: IncomingHttpHeaders
  body: string
}

/**
 * One request on a fresh connection (no agent). It asks for `Connection: close` itself, so use
 * `RawConnection` when the server's choice of `Connection` header is what is being tested.
 */
export function request(
  port: number,
  path: string,
  method = 'GET',
  extra: { headers?: Record<string, string>; body?: string } = {},
): Promise<Response> {
  return new Promise((resolve, reject) => {
    const options = { host: '127.0.0.1', port, path, method, agent: false, headers: extra.headers ?? {} }
    const req = httpRequest(options, (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => {
        body += chunk
      })
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }))
      res.on('error', reject)
    })
    req.on('error', reject)
    req.end(extra.body)
  })
}

/** Resolves to 'connected' or the error code of a plain TCP connect (e.g. ECONNREFUSED). */
export function tryConnect(port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port })
    socket.once('connect', () => {
      socket.destroy()
      resolve('connected')
    })
    socket.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message))
  })
}
