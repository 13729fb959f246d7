// The disruption controller's arithmetic and the Eviction API's answer: 429 while an eviction would breach
// the budget, accepted (and the pod deleted) otherwise; a pod that is not ready may always go.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { EventLog, evict, PodDisruptionBudget, startClock } from '@zdd/rollout'
import { fakePod } from './fake-pod.ts'

test('disruptionsAllowed = ready, non-terminating pods minus the desired healthy count', () => {
  const pods = [fakePod('a'), fakePod('b'), fakePod('c'), fakePod('d')]
  const budget = (spec: ConstructorParameters<typeof PodDisruptionBudget>[1]) =>
    new PodDisruptionBudget(
      'catalog',
      spec,
      () => pods,
      () => 4,
    ).status()
  assert.deepEqual(budget({ maxUnavailable: 1 }), {
    expectedPods: 4,
    currentHealthy: 4,
    desiredHealthy: 3,
    disruptionsAllowed: 1,
  })
  assert.equal(budget({ minAvailable: 2 }).disruptionsAllowed, 2)
  // Percentages round up, for both fields (minAvailable 60% of 4 → 3, maxUnavailable 30% of 4 → 2).
  assert.equal(budget({ minAvailable: '60%' }).desiredHealthy, 3)
  assert.equal(budget({ maxUnavailable: '30%' }).desiredHealthy, 2)
  void pods[0]?.terminate()
  assert.equal(budget({ maxUnavailable: 1 }).disruptionsAllowed, 0, 'a pod being deleted is not healthy')
})

test('an eviction that would breach the budget is refused with 429 and logged; then accepted', () => {
  const events = new EventLog(startClock())
  const pods = [fakePod('a'), fakePod('b'), fakePod('c')]
  const pdb = new PodDisruptionBudget(
    'catalog',
    { maxUnavailable: 1 },
    () => pods,
    () => 3,
  )
  const remove = (pod: (typeof pods)[number]) => void pod.terminate()
  assert.deepEqual(evict(pods[0] as never, pdb, remove as never, events), { evicted: true })
  const refused = evict(pods[1] as never, pdb, remove as never, events)
  assert.equal(refused.evicted, false)
  assert.equal(refused.evicted === false && refused.status, 429)
  assert.equal(pods[1]?.terminating, false, 'a refused eviction deletes nothing')
  assert.deepEqual(
    events.events.map((e) => [e.type, e.pod]),
    [
      ['pod-evicted', 'a'],
      ['eviction-refused', 'b'],
    ],
  )
  assert.match(
    events.events[1]?.detail ?? '',
    /^429 Cannot evict pod as it would violate the pod's disruption budget/,
  )
  pods.push(fakePod('d')) // the replacement is ready: the budget allows one disruption again
  assert.deepEqual(evict(pods[1] as never, pdb, remove as never, events), { evicted: true })
})

test('a pod that is not ready may always be evicted (unhealthyPodEvictionPolicy: AlwaysAllow)', () => {
  const events = new EventLog(startClock())
  const pods = [fakePod('a'), fakePod('b', { ready: false })]
  const pdb = new PodDisruptionBudget(
    'catalog',
    { minAvailable: 1 },
    () => pods,
    () => 2,
  )
  assert.deepEqual(
    evict(pods[1] as never, pdb, () => undefined, events),
    { evicted: true },
  )
  assert.equal(evict(pods[0] as never, pdb, () => undefined, events).evicted, false)
  assert.deepEqual(
    evict(pods[0] as never, undefined, () => undefined, events),
    { evicted: true },
    'no PDB',
  )
})
