import { connect, type Socket } from 'node:net'
import type { TestContext } from 'node:test'
import type { Response } from './http.ts'

/**
 * One real HTTP/1.1 keep-alive connection, written by hand so the test sees exactly what the server does:
 * which `Connection` header it answers with, and whether it (not the client) closes the socket afterwards.
 * Requests made before the previous response arrived are pipelined; responses must carry Content-Length.
 */
export class RawConnection {
  readonly socket: Socket
  /** Resolves when the server ends the connection (FIN) or it breaks; never rejects. */
  readonly closedByServer: Promise<{ at: number; error?: string }>
  #buffer = Buffer.alloc(0)
  readonly #pending: Array<{ resolve: (r: Response) => void; reject: (e: Error) => void }> = []

  private constructor(socket: Socket) {
    this.socket = socket
    this.closedByServer = new Promise((resolve) => {
      socket.once('end', () => resolve({ at: performance.now() }))
      socket.once('error', (err) => resolve({ at: performance.now(), error: err.message }))
    })
    socket.on('data', (chunk: Buffer) => {
      this.#buffer = Buffer.concat([this.#buffer, chunk])
      this.#tryParse()
    })
    const fail = (reason: string) => {
      for (const pending of this.#pending.splice(0)) {
        pending.reject(new Error(`connection ${reason} before the response was complete`))
      }
    }
    socket.on('end', () => fail('ended by the server'))
    socket.on('error', (err) => fail(`failed (${err.message})`))
  }

  /** Connects to 127.0.0.1:`port`; with a test context, the socket is destroyed when the test ends. */
  static async open(port: number, t?: TestContext): Promise<RawConnection> {
    const connection = await new Promise<RawConnection>((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port })
      socket.setNoDelay(true)
      socket.once('connect', () => resolve(new RawConnection(socket)))
      socket.once('error', reject)
    })
    t?.after(() => connection.destroy())
    return connection
  }

  request(path: string): Promise<Response> {
    return new Promise((resolve, reject) => {
      this.#pending.push({ resolve, reject })
      this.socket.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n\r\n`)
    })
  }

  destroy(): void {
    this.socket.destroy()
  }

  #tryParse(): void {
    for (;;) {
      const end = this.#buffer.indexOf('\r\n\r\n')
      if (end === -1 || this.#pending.length === 0) return
      const [statusLine = '', ...lines] = this.#buffer.subarray(0, end).toString('latin1').split('\r\n')
      const headers: Record<string, string> = {}
      for (const line of lines) {
        const colon = line.indexOf(':')
        headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim()
      }
      const length = Number(headers['content-length'])
      if (!Number.isInteger(length)) throw new Error(`response without Content-Length: ${statusLine}`)
      if (this.#buffer.length < end + 4 + length) return
      const body = this.#buffer.subarray(end + 4, end + 4 + length).toString('utf8')
      this.#buffer = this.#buffer.subarray(end + 4 + length)
      this.#pending.shift()?.resolve({ status: Number(statusLine.split(' ')[1]), headers, body })
    }
  }
}
