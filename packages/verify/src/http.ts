import { Agent, request } from 'node:http'
import { connect, type Socket } from 'node:net'

/** One HTTP exchange as a client saw it. */
export interface Answer {
  status?: number
  /** `ECONNREFUSED`, `ECONNRESET`, `timeout`, … when no answer arrived. */
  error?: string
  /** The answer carried `Connection: close`. */
  connectionClose: boolean
  /** The request went out on a connection opened for it. */
  newConnection: boolean
  ms: number
}

/**
 * GET on 127.0.0.1 (or `host`), the body read to its end. With an agent, on its (kept-alive) connection; without, on a
 * new connection closed after the answer.
 */
export function get(
  port: number,
  path: string,
  options: { agent?: Agent; timeoutMs?: number; host?: string } = {},
): Promise<Answer> {
  const started = performance.now()
  return new Promise((resolve) => {
    let newConnection = true
    const done = (answer: Omit<Answer, 'ms' | 'newConnection'>) =>
      resolve({ ...answer, newConnection, ms: Math.round(performance.now() - started) })
    const req = request(
      {
        host: options.host ?? '127.0.0.1',
        port,
        path,
        method: 'GET',
        agent: options.agent ?? false,
        timeout: options.timeoutMs,
      },
      (res) => {
        const connectionClose = /\bclose\b/i.test(String(res.headers.connection ?? ''))
        res.resume()
        res.on('end', () => done({ status: res.statusCode, connectionClose }))
        res.on('error', (err) => done({ error: codeOf(err), connectionClose }))
      },
    )
    req.on('socket', (socket) => {
      newConnection = socket.connecting || options.agent === undefined
    })
    req.on('timeout', () => req.destroy(Object.assign(new Error('timeout'), { code: 'timeout' })))
    req.on('error', (err) => done({ error: codeOf(err), connectionClose: false }))
    req.end()
  })
}

const codeOf = (err: Error & { code?: string }): string => err.code ?? err.message

/** A keep-alive client with one connection at a time, like one caller's pooled connection. */
export const keepAliveAgent = (): Agent => new Agent({ keepAlive: true, maxSockets: 1, maxFreeSockets: 1 })

/** Opens a connection and sends part of a request head, never finished: what a slow client leaves open. */
export async function halfSentRequest(port: number, path: string): Promise<Socket> {
  const socket = connect(port, '127.0.0.1')
  socket.on('error', () => {})
  await new Promise<void>((resolve) => {
    socket.once('connect', resolve)
    socket.once('error', () => resolve())
  })
  socket.write(`GET ${path} HTTP/1.1\r\nHost: zdd-verify\r\n`)
  return socket
}
