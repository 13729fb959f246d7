// The Service balancer over real sockets: it balances connections, not requests, and an established
// connection stays on its pod after the endpoint is removed — the property that makes keep-alive matter.
import assert from 'node:assert/strict'
import { createServer, type Server } from 'node:http'
import { test } from 'node:test'
import { ServiceBalancer } from '@zdd/rollout'
import { Agent, Client, request } from 'undici'

async function backend(t: { after: (fn: () => unknown) => void }, name: string): Promise<number> {
  const server: Server = createServer((_req, res) => res.end(name))
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.after(() => {
    server.closeAllConnections()
    server.close()
  })
  const address = server.address()
  if (!address || typeof address === 'string') throw new Error('no address')
  return address.port
}

async function balancer(t: { after: (fn: () => unknown) => void }): Promise<[ServiceBalancer, number]> {
  const service = new ServiceBalancer()
  const port = await service.listen()
  t.after(() => service.close())
  return [service, port]
}

test('new connections go round-robin over the endpoints', async (t) => {
  const [service, port] = await balancer(t)
  service.setEndpoint('a', { host: '127.0.0.1', port: await backend(t, 'a') })
  service.setEndpoint('b', { host: '127.0.0.1', port: await backend(t, 'b') })
  const seen: string[] = []
  for (let i = 0; i < 4; i += 1) {
    // A fresh connection per request (no keep-alive pool shared between them).
    const agent = new Agent({ pipelining: 0 })
    const response = await request(`http://127.0.0.1:${port}/`, { dispatcher: agent })
    seen.push(await response.body.text())
    await agent.close()
  }
  assert.deepEqual(seen.sort(), ['a', 'a', 'b', 'b'])
  assert.equal(service.stats.connections, 4)
})

test('an established keep-alive connection stays on its pod after the endpoint is removed', async (t) => {
  const [service, port] = await balancer(t)
  service.setEndpoint('a', { host: '127.0.0.1', port: await backend(t, 'a') })
  const client = new Client(`http://127.0.0.1:${port}`)
  t.after(() => client.close())
  const first = await client.request({ method: 'GET', path: '/' })
  assert.equal(await first.body.text(), 'a')
  service.setEndpoint('a', undefined)
  service.setEndpoint('b', { host: '127.0.0.1', port: await backend(t, 'b') })
  const second = await client.request({ method: 'GET', path: '/' })
  assert.equal(await second.body.text(), 'a', 'same connection, same pod')
  assert.equal(service.stats.connections, 1)
})

test('no endpoint, or a pod that refuses, resets the client and is counted', async (t) => {
  const [service, port] = await balancer(t)
  const agent = new Agent()
  t.after(() => agent.close())
  const isReset = (err: { code?: string }) => ['ECONNRESET', 'UND_ERR_SOCKET'].includes(err.code ?? '')
  await assert.rejects(request(`http://127.0.0.1:${port}/`, { dispatcher: agent }), isReset)
  assert.equal(service.stats.noEndpoint, 1)
  // Port 1 on loopback: nothing listens, the kernel refuses, like a pod that closed its listener.
  service.setEndpoint('dead', { host: '127.0.0.1', port: 1 })
  await assert.rejects(request(`http://127.0.0.1:${port}/`, { dispatcher: agent }), isReset)
  assert.equal(service.stats.upstreamErrors.ECONNREFUSED, 1)
})
