import { createServer } from 'node:net'

/** Whether 127.0.0.1:port can be bound now: checked up front so a clash is named before anything starts. */
export function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer()
    server.once('error', () => resolve(false))
    server.listen({ port, host: '127.0.0.1', exclusive: true }, () => server.close(() => resolve(true)))
  })
}
