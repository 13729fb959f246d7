// Scheduling over simulated nodes and `kubectl drain`: spread vs packed placement, cordons, evictions
// retried after a refusal until accepted, then the drain waits for the evicted pods to be gone.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { drainNode, EventLog, Nodes, type Pod, startClock } from '@zdd/rollout'
import { fakePod } from './fake-pod.ts'

function cluster(placement: 'spread' | 'packed') {
  const pods: Pod[] = []
  const events = new EventLog(startClock())
  const nodes = new Nodes(3, placement, () => pods, events)
  const add = (name: string) => {
    const pod = fakePod(name)
    pod.node = nodes.place()
    pods.push(pod)
    return pod
  }
  return { pods, events, nodes, add }
}

test('spread puts each new pod on the schedulable node with the fewest; packed on the first', () => {
  const spread = cluster('spread')
  for (const name of ['a', 'b', 'c', 'd']) spread.add(name)
  assert.deepEqual(spread.nodes.layout(), { 'node-1': ['a', 'd'], 'node-2': ['b'], 'node-3': ['c'] })
  assert.equal(spread.nodes.busiest(), 'node-1')
  spread.nodes.cordon('node-2')
  assert.equal(spread.add('e').node, 'node-3', 'a cordoned node gets nothing')
  const packed = cluster('packed')
  for (const name of ['a', 'b', 'c']) packed.add(name)
  assert.deepEqual(packed.nodes.layout(), { 'node-1': ['a', 'b', 'c'], 'node-2': [], 'node-3': [] })
})

test('drain: cordon, evict every pod, retry refusals after the retry interval, wait for the exits', async () => {
  const { events, nodes, add } = cluster('spread')
  const [a, , , d] = ['a', 'b', 'c', 'd'].map(add)
  let refuseUntil = 2 // the budget refuses the first two attempts for the second pod
  const attempts: string[] = []
  const clock = startClock()
  const draining = drainNode(
    nodes,
    { node: 'node-1', retryMs: 30, timeoutMs: 5000 },
    (pod) => {
      attempts.push(pod.name)
      if (pod === d && refuseUntil-- > 0) return { evicted: false, status: 429, message: 'budget' }
      void pod.terminate()
      return { evicted: true }
    },
    clock,
    events,
  )
  let done = false
  void draining.then(() => {
    done = true
  })
  await new Promise((resolve) => setTimeout(resolve, 150))
  assert.deepEqual(attempts, ['a', 'd', 'd', 'd'], 'retried until accepted')
  assert.equal(done, false, 'still waiting for the evicted pods to exit')
  a?.exit()
  d?.exit()
  const result = await draining
  assert.deepEqual(result.pods, ['a', 'd'])
  assert.equal(result.refusals, 2)
  assert.ok(result.durationMs >= 60)
  assert.deepEqual(
    events.events.map((e) => e.type),
    ['node-cordoned', 'node-drained'],
  )
  assert.equal(nodes.schedulable('node-1'), false)
})
