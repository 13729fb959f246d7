import type { AddressInfo } from 'node:net'
import { connect, createServer, type Socket } from 'node:net'
import type { TestContext } from 'node:test'

/**
 * What a Kubernetes Service does for the gateway, on real sockets: every new TCP connection goes to the next
 * endpoint in turn (as kube-proxy's IPVS round-robin does), and stays there. An endpoint is only
 * forgotten when `remove` is called (the endpoint update reaching kube-proxy); until then new connections
 * still go to it and, if nothing listens there any more, are reset.
 */
export interface ServiceBalancer {
  port: number
  url: string
  /** Stops sending new connections to this endpoint port. */
  remove(endpoint: number): void
  /** Connections opened to each endpoint port so far. */
  readonly opened: Map<number, number>
  /** Connections to this endpoint with request bytes sent and no answer byte back yet. */
  pending(endpoint: number): number
}

export async function startServiceBalancer(t: TestContext, endpoints: number[]): Promise<ServiceBalancer> {
  const live = [...endpoints]
  const opened = new Map<number, number>()
  const waiting = new Map<Socket, number>()
  const sockets = new Set<Socket>()

  let turn = 0
  const server = createServer((client) => {
    const endpoint = live[turn++ % Math.max(live.length, 1)]
    if (endpoint === undefined) {
      client.resetAndDestroy()
      return
    }
    opened.set(endpoint, (opened.get(endpoint) ?? 0) + 1)
    const backend = connect(endpoint, '127.0.0.1')
    sockets.add(client).add(backend)
    client.on('data', () => waiting.set(client, endpoint))
    backend.on('data', () => waiting.delete(client))
    client.pipe(backend)
    backend.pipe(client)
    // A reset (or a refused connect) on one side is a reset on the other, as it is through DNAT.
    backend.on('error', () => client.resetAndDestroy())
    client.on('error', () => backend.resetAndDestroy())
    const forget = () => {
      waiting.delete(client)
      sockets.delete(client)
      sockets.delete(backend)
    }
    client.on('close', forget)
    backend.on('close', forget)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port
  t.after(async () => {
    for (const socket of sockets) socket.destroy()
    await new Promise((resolve) => server.close(resolve))
  })
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    remove(endpoint) {
      const at = live.indexOf(endpoint)
      if (at >= 0) live.splice(at, 1)
    },
    opened,
    pending(endpoint) {
      let count = 0
      for (const at of waiting.values()) if (at === endpoint) count += 1
      return count
    },
  }
}
