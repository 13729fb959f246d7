import { request as httpRequest, type IncomingHttpHeaders, type OutgoingHttpHeaders } from 'node:http'

export interface HttpAnswer {
  status: number
  headers: IncomingHttpHeaders
  body: string
}

export interface RequestExtra {
  /** Sent exactly as given (fetch would refuse hop-by-hop headers and add its own). */
  headers?: OutgoingHttpHeaders
  body?: string | Buffer
  /** No answer within this long fails the request; unset: no limit. */
  timeoutMs?: number
}

/**
 * One request on a fresh connection (no agent, so Node asks for `Connection: close` itself and no keep-alive
 * pool can hold a server open). Use a raw socket where the server's choice of `Connection` is under test.
 */
export function request(
  port: number,
  path: string,
  method = 'GET',
  extra: RequestExtra = {},
): Promise<HttpAnswer> {
  const { timeoutMs } = extra
  return new Promise((resolve, reject) => {
    const options = {
      host: '127.0.0.1',
      port,
      path,
      method,
      agent: false,
      headers: extra.headers ?? {},
      timeout: timeoutMs,
    }
    const req = httpRequest(options, (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => {
        body += chunk
      })
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }))
      res.on('error', reject)
    })
    req.on('timeout', () =>
      req.destroy(new Error(`${method} ${path} on port ${port}: no answer in ${timeoutMs} ms`)),
    )
    req.on('error', reject)
    req.end(extra.body)
  })
}

/** `request` with GET. */
export function get(port: number, path: string, timeoutMs = 5000): Promise<HttpAnswer> {
  return request(port, path, 'GET', { timeoutMs })
}
