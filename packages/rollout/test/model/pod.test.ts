// A pod is a real process: readiness gates it, a failing liveness probe restarts it, deletion sends
// SIGTERM and escalates to SIGKILL when the grace period runs out.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'
import { freePort } from '@zdd/ports'
import { EventLog, Pod, type PodSpec, startClock } from '@zdd/rollout'

// The repository's built catalog, run as the pod's process (by path: a package never depends on a service).
const CATALOG = fileURLToPath(new URL('../../../../services/catalog/dist/main.js', import.meta.url))
const probe = { periodMs: 50, timeoutMs: 500, successThreshold: 1 }

async function startPod(
  t: { after: (fn: () => unknown) => void },
  env: Record<string, string>,
  spec: Partial<PodSpec> = {},
) {
  const clock = startClock()
  const events = new EventLog(clock)
  const pod = new Pod(
    'catalog-test-0001',
    { version: 'v1', command: process.execPath, args: [CATALOG], env: { LOG_LEVEL: 'warn', ...env } },
    { port: await freePort(), managementPort: await freePort() },
    {
      readiness: { path: '/readyz', failureThreshold: 1, ...probe },
      liveness: { path: '/livez', failureThreshold: 2, ...probe },
      preStopMs: 0,
      terminationGracePeriodMs: 10_000,
      ...spec,
    },
    clock,
    events,
  )
  t.after(() => pod.kill())
  pod.start()
  await until(() => pod.ready, 10_000, 'pod ready')
  return { pod, events }
}

async function until(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await sleep(20)
  }
}

test('a failing liveness probe restarts the container, which becomes ready again', async (t) => {
  const { pod, events } = await startPod(t, { MANAGEMENT_CONTROLS: 'true' })
  const response = await fetch(`http://127.0.0.1:${pod.managementPort}/control/liveness/fail`, {
    method: 'POST',
    headers: { 'x-zdd-control': '1' },
  })
  assert.equal(response.status, 200)
  await until(() => pod.restarts === 1, 10_000, 'restart')
  await until(() => pod.ready, 10_000, 'ready after restart')
  const types = events.events.map((e) => e.type)
  assert.ok(types.indexOf('pod-restarted') > types.indexOf('pod-not-ready'), types.join(' '))
})

test('deletion: SIGTERM, then SIGKILL when the grace period runs out', async (t) => {
  // The pod drains for 5 s but is given 600 ms: the kubelet kills it.
  const { pod } = await startPod(
    t,
    { SHUTDOWN_DELAY_MS: '5000', SHUTDOWN_TIMEOUT_MS: '9000' },
    { terminationGracePeriodMs: 600 },
  )
  const result = await pod.terminate()
  assert.equal(result.sigkill, true)
  assert.equal(result.signal, 'SIGKILL')
  assert.ok(result.durationMs >= 550 && result.durationMs < 3000, `${result.durationMs} ms`)
})

test('deletion of a prepared pod: exit 0 after its drain, no SIGKILL; preStop runs first', async (t) => {
  const { pod, events } = await startPod(t, { SHUTDOWN_DELAY_MS: '300' }, { preStopMs: 400 })
  const result = await pod.terminate()
  assert.equal(result.exitCode, 0)
  assert.equal(result.sigkill, false)
  const at = (type: string) => events.events.find((e) => e.type === type)?.tMs ?? Number.NaN
  assert.ok(at('pod-sigterm') - at('pod-terminating') >= 380, 'SIGTERM only after the preStop sleep')
  assert.ok(result.durationMs >= 700, `${result.durationMs} ms = preStop + drain`)
})
