import { type AddressInfo, createServer, type Server } from 'node:net'

/**
 * Distinct ports on 127.0.0.1 the kernel hands out now, none of them in `exclude`: held open together (so
 * no two are equal), then released for the caller (a child process, a server under test). Free at the time
 * of asking only; a caller that can retry on EADDRINUSE should.
 */
export async function freePorts(count: number, exclude: readonly number[] = []): Promise<number[]> {
  const held: Server[] = []
  const ports: number[] = []
  try {
    while (ports.length < count) {
      const server = await listening()
      held.push(server)
      const { port } = server.address() as AddressInfo
      if (!exclude.includes(port)) ports.push(port)
    }
    return ports
  } finally {
    await Promise.all(held.map((server) => new Promise((resolve) => server.close(resolve))))
  }
}

/** One port free on 127.0.0.1 now, other than those in `exclude`. */
export async function freePort(...exclude: number[]): Promise<number> {
  const [port] = await freePorts(1, exclude)
  return port as number
}

/** Whether 127.0.0.1:port can be bound now (a clash named up front beats a child that dies on EADDRINUSE). */
export function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer()
    server.once('error', () => resolve(false))
    server.listen({ port, host: '127.0.0.1', exclusive: true }, () => server.close(() => resolve(true)))
  })
}

function listening(): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.unref()
    server.once('error', reject)
    server.listen({ port: 0, host: '127.0.0.1', exclusive: true }, () => resolve(server))
  })
}
