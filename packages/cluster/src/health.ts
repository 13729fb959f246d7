import { Resolver } from 'node:dns/promises'
import { request } from 'node:https'
import { kubectl } from './kubectl.ts'
import { NETWORK } from './layout.ts'

/** GET a health URL; true on a 2xx. https is accepted unverified: these are the components' own
 *  loopback health ports, checked for liveness, not trusted with data. */
export async function healthy(url: string): Promise<boolean> {
  if (url.startsWith('http:')) {
    const response = await fetch(url, { signal: AbortSignal.timeout(2_000) })
    await response.arrayBuffer()
    return response.ok
  }
  return new Promise((resolve) => {
    const req = request(url, { rejectUnauthorized: false, timeout: 2_000 }, (res) => {
      res.resume()
      resolve((res.statusCode ?? 500) < 300)
    })
    req.on('error', () => resolve(false))
    req.on('timeout', () => req.destroy())
    req.end()
  })
}

export async function apiReady(): Promise<boolean> {
  return (await kubectl(['get', '--raw', '/readyz'], { check: false })).stdout.trim() === 'ok'
}

export async function nodeReady(name: string = NETWORK.nodeName): Promise<boolean> {
  const out = await kubectl(
    ['get', 'node', name, '-o', 'jsonpath={.status.conditions[?(@.type=="Ready")].status}'],
    { check: false },
  )
  return out.stdout.trim() === 'True'
}

/** The cluster DNS answers a Service name with that Service's ClusterIP. */
export async function dnsAnswers(
  name = `kubernetes.default.svc.${NETWORK.clusterDomain}`,
): Promise<string[]> {
  const resolver = new Resolver({ timeout: 1_000, tries: 1 })
  resolver.setServers([NETWORK.dnsIP])
  return resolver.resolve4(name)
}
