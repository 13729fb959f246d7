// kill -9 of one of two catalog replicas behind a Service, under 100 req/s through the gateway. The catalogs
// are real processes (services/catalog, 50 ms per answer so requests are in flight), the Service is a TCP
// balancer on real sockets that keeps sending new connections to the dead replica until its endpoint is
// removed 300 ms later. With the gateway's retries (each on a new connection, balanced again) under 0.1 %
// fail; the control, the same run without retries, loses the requests in flight on the killed replica.
import assert from 'node:assert/strict'
import type { TestContext } from 'node:test'
import { test } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'
import { Pool } from 'undici'
import { flagsFile } from '../helpers/flags.ts'
import { metricValue, type ServiceProcess, startGateway, startService } from '../helpers/gateway.ts'
import { catalogRoutes } from '../helpers/routes.ts'
import { startServiceBalancer } from '../helpers/service-balancer.ts'

const CATALOG = fileURLToPath(new URL('../../../catalog/src/main.ts', import.meta.url))
const RATE = 100

interface Run {
  total: number
  failed: number
  retries: number
  /** Requests in flight on the killed replica when it was killed. */
  inFlightAtKill: number
}

async function killOneUnderLoad(t: TestContext, gatewayRetries: number, seconds: number): Promise<Run> {
  const flags = await flagsFile(t, {})
  const env = { FLAGS_FILE: flags.path, CATALOG_LATENCY_MS: '50', APP_VERSION: 'v1' }
  const replicas = [await startService(t, CATALOG, env), await startService(t, CATALOG, env)]
  const [doomed, survivor] = replicas as [ServiceProcess, ServiceProcess]
  const service = await startServiceBalancer(
    t,
    replicas.map((replica) => replica.port),
  )
  const gateway = await startGateway(t, {
    routes: catalogRoutes(service),
    env: { FLAGS_FILE: flags.path, GATEWAY_RETRIES: String(gatewayRetries) },
  })
  const client = new Pool(gateway.url, { connections: 32 })
  t.after(() => client.close())

  let failed = 0
  const sent: Array<Promise<void>> = []
  const total = RATE * seconds
  const killAt = Math.floor(total / 3)
  let inFlightAtKill = 0
  let killed = false
  const start = performance.now()
  for (let i = 0; i < total; i++) {
    const due = start + (i * 1000) / RATE
    const wait = due - performance.now()
    if (wait > 0) await sleep(wait)
    // Killed while answering: from killAt on, at the first send that finds a request in flight on it (never
    // a wait of its own, so a run in which none ever is fails its assertions instead of hanging).
    if (i >= killAt && !killed && service.pending(doomed.port) > 0) {
      killed = true
      inFlightAtKill = service.pending(doomed.port)
      doomed.child.kill('SIGKILL')
      setTimeout(() => service.remove(doomed.port), 300).unref()
    }
    sent.push(
      client.request({ method: 'GET', path: '/api/catalog/products' }).then(
        async (response) => {
          await response.body.dump()
          if (response.statusCode !== 200) failed += 1
        },
        () => {
          failed += 1
        },
      ),
    )
  }
  await Promise.all(sent)
  assert.ok(killed, 'a request was in flight on the doomed replica at some point after a third of the run')
  assert.equal((await doomed.exited).signal, 'SIGKILL')
  assert.ok((service.opened.get(survivor.port) ?? 0) > 0, 'the survivor served too')
  const text = await gateway.metrics()
  const retries = metricValue(text, 'gateway_upstream_retries_total', {
    route: 'catalog',
  })
  return { total, failed, retries, inFlightAtKill }
}

test('kill -9 of one of two replicas behind a Service: under 0.1 % fail with retries on new connections; without them the requests in flight are lost', {
  timeout: 120_000,
}, async (t) => {
  await t.test('control: GATEWAY_RETRIES=0', async (t) => {
    const run = await killOneUnderLoad(t, 0, 10)
    t.diagnostic(JSON.stringify(run))
    assert.ok(run.inFlightAtKill >= 1)
    assert.ok(run.failed >= 1, `the control lost nothing: ${JSON.stringify(run)}`)
    assert.equal(run.retries, 0)
  })
  await t.test('the gateway as shipped (GATEWAY_RETRIES=2)', async (t) => {
    const run = await killOneUnderLoad(t, 2, 30)
    t.diagnostic(JSON.stringify(run))
    assert.ok(run.inFlightAtKill >= 1)
    assert.ok(run.retries >= 1, `nothing was retried: ${JSON.stringify(run)}`)
    assert.ok(run.failed < run.total * 0.001, `${run.failed} of ${run.total} failed`)
  })
})
