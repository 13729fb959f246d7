// A stand-in for Unleash's client API serving each spec's state, on a real socket: GET
// /<spec index>/api/client/features answers that spec's `state` (a /api/client/features response); the SDK's
// instance registration and usage metrics (POST .../client/register, .../client/metrics) are accepted.
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Spec } from './spec.ts'

export interface SpecServer {
  /** The API base URL (ending in /api/) under which `spec`'s state is served. */
  urlOf(spec: Spec): string
  /** Requests answered so far, by path. */
  readonly hits: Map<string, number>
  close(): Promise<void>
}

export async function serveSpecs(specs: Spec[]): Promise<SpecServer> {
  const hits = new Map<string, number>()
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://stand-in').pathname
    hits.set(path, (hits.get(path) ?? 0) + 1)
    const match = /^\/(\d+)\/api\/client\/(features|register|metrics)$/.exec(path)
    const spec = match ? specs[Number(match[1])] : undefined
    if (req.method === 'POST' && spec && match?.[2] !== 'features') {
      req.resume()
      res.writeHead(202).end()
      return
    }
    if (req.method !== 'GET' || !spec || match?.[2] !== 'features') {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"message":"not found"}')
      return
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(spec.state))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    urlOf: (spec) => `http://127.0.0.1:${port}/${spec.index}/api/`,
    hits,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
