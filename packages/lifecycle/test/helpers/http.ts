import { connect } from 'node:net'

export { type HttpAnswer as Response, request } from '@zdd/test-support'

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
