// The EndpointsController: pods become endpoints only when their labels match the Service's selector, and
// a selector switch reaches the balancer as one update (new colour in, old out, nothing in between).
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { EndpointsController, EventLog, ServiceBalancer, startClock } from '@zdd/rollout'
import { fakePod } from './fake-pod.ts'

test('a selector switch swaps the endpoint set in one propagated update', async (t) => {
  const balancer = new ServiceBalancer()
  const events = new EventLog(startClock())
  const endpoints = new EndpointsController(balancer, { delayMs: 200, jitterMs: 0 }, events)
  t.after(() => endpoints.stop())
  endpoints.selectInitially({ app: 'catalog', color: 'blue' })
  const blue = ['blue-v1-1', 'blue-v1-2'].map((n) =>
    fakePod(n, { labels: { app: 'catalog', color: 'blue' } }),
  )
  const green = ['green-v2-1', 'green-v2-2'].map((n) =>
    fakePod(n, { labels: { app: 'catalog', color: 'green' } }),
  )
  for (const pod of [...blue, ...green]) endpoints.watch(pod)
  await sleep(260)
  assert.deepEqual(
    balancer.endpointNames.sort(),
    ['blue-v1-1', 'blue-v1-2'],
    'green is ready but not selected',
  )

  endpoints.setSelector({ app: 'catalog', color: 'green' })
  await sleep(20)
  assert.deepEqual(
    balancer.endpointNames.sort(),
    ['blue-v1-1', 'blue-v1-2'],
    'nothing changes before propagation',
  )
  const seen: string[][] = []
  const watcher = setInterval(() => seen.push([...balancer.endpointNames].sort()), 1)
  await sleep(260)
  clearInterval(watcher)
  assert.deepEqual(balancer.endpointNames.sort(), ['green-v2-1', 'green-v2-2'])
  for (const set of seen) {
    assert.ok(
      set.join() === 'blue-v1-1,blue-v1-2' || set.join() === 'green-v2-1,green-v2-2',
      `never a mix or nothing: ${set}`,
    )
  }
  const switched = events.events.filter((e) => e.type !== 'selector-switched').slice(-4)
  assert.deepEqual(
    switched.map((e) => e.type),
    ['endpoint-added', 'endpoint-added', 'endpoint-removed', 'endpoint-removed'],
    'additions first within the update',
  )
  assert.equal(events.events.filter((e) => e.type === 'selector-switched').length, 1)
})

test('changes reach the balancer in the order they were made, whatever the jitter of each', async (t) => {
  const balancer = new ServiceBalancer()
  const events = new EventLog(startClock())
  // Jitter nearly as large as the delay: independent per change, it would reorder most of these.
  const endpoints = new EndpointsController(balancer, { delayMs: 100, jitterMs: 90 }, events)
  t.after(() => endpoints.stop())
  endpoints.selectInitially({ app: 'catalog' })
  const names = Array.from({ length: 20 }, (_, i) => `catalog-v1-${String(i).padStart(2, '0')}`)
  for (const name of names) {
    endpoints.watch(fakePod(name, { labels: { app: 'catalog' } }))
    await sleep(2)
  }
  await sleep(300)
  const added = events.events.filter((e) => e.type === 'endpoint-added').map((e) => e.pod)
  assert.deepEqual(added, names, 'no update overtook an earlier one')
})
