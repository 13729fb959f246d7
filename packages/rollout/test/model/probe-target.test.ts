// Probes where the service serves them: third-party shutdown libraries answer health on their own paths,
// some on the traffic port. The default stays /readyz and /livez on the management port.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'
import { freePort } from '@zdd/ports'
import { EventLog, Harness, Pod, type PodSpec, resolveOptions, startClock } from '@zdd/rollout'

const SERVER = fileURLToPath(new URL('../fixtures/probe-server.ts', import.meta.url))
const service = { name: 'probe', entry: SERVER, path: '/ok' }

test('pods are probed on /readyz and /livez of the management port by default', () => {
  const spec = new Harness(resolveOptions({ service })).podSpec
  assert.deepEqual([spec.readiness.path, spec.readiness.port], ['/readyz', 'management'])
  assert.deepEqual([spec.liveness.path, spec.liveness.port], ['/livez', 'management'])
})

test('service.probes moves readiness and liveness, each on its own port; thresholds stay', () => {
  const options = resolveOptions({
    service: {
      ...service,
      probes: {
        readiness: { path: '/ready', port: 'management' },
        liveness: { path: '/healthz', port: 'traffic' },
      },
    },
  })
  const spec = new Harness(options).podSpec
  assert.deepEqual(
    [spec.readiness.path, spec.readiness.port, spec.readiness.failureThreshold],
    ['/ready', 'management', 1],
  )
  assert.deepEqual(
    [spec.liveness.path, spec.liveness.port, spec.liveness.failureThreshold],
    ['/healthz', 'traffic', 3],
  )
  // A target without a port means the management port.
  const only = new Harness(resolveOptions({ service: { ...service, probes: { readiness: { path: '/x' } } } }))
  assert.equal(only.podSpec.readiness.port, 'management')
  assert.equal(only.podSpec.liveness.path, '/livez')
})

async function pod(t: { after: (fn: () => unknown) => void }, readiness: PodSpec['readiness']) {
  const clock = startClock()
  const probe = { periodMs: 50, timeoutMs: 500, successThreshold: 1, failureThreshold: 1 }
  const p = new Pod(
    'probe-v1-0001',
    { version: 'v1', command: process.execPath, args: [SERVER], env: {} },
    { port: await freePort(), managementPort: await freePort() },
    { readiness, liveness: { path: '/livez', ...probe }, preStopMs: 0, terminationGracePeriodMs: 5000 },
    clock,
    new EventLog(clock),
  )
  t.after(() => p.kill())
  p.start()
  return p
}

async function until(condition: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs
  while (!condition()) {
    if (Date.now() > deadline) return false
    await sleep(20)
  }
  return true
}

test('a readiness probe on the traffic port asks PORT: the pod is ready when that path answers 200', async (t) => {
  const probe = { periodMs: 50, timeoutMs: 500, successThreshold: 1, failureThreshold: 1 }
  const p = await pod(t, { path: '/ok', port: 'traffic', ...probe })
  assert.equal(await until(() => p.ready, 10_000), true, p.logTail.join('\n'))
})

test('the same path on the management port is not there: the pod never becomes ready', async (t) => {
  const probe = { periodMs: 50, timeoutMs: 500, successThreshold: 1, failureThreshold: 1 }
  const p = await pod(t, { path: '/ok', port: 'management', ...probe })
  // The server is up within this time (the test above), yet /ok on the management port is a 404.
  assert.equal(await until(() => p.ready, 3000), false)
})
