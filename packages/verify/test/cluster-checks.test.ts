import assert from 'node:assert/strict'
import { test } from 'node:test'
import { clusterChecks } from '../src/checks/cluster.ts'
import type { Sent } from '../src/load.ts'
import { parseVerifyOptions } from '../src/options.ts'
import type { ClusterRun } from '../src/runs/cluster-run.ts'

const options = parseVerifyOptions({ cluster: 'catalog', namespace: 'zdd' })
const ok = (at: number): Sent => ({
  at,
  via: 'new',
  status: 200,
  connectionClose: false,
  newConnection: true,
  ms: 1,
})
const refused = (at: number): Sent => ({ ...ok(at), status: undefined, error: 'ECONNREFUSED' })
const run = (sent: Sent[], completeAt?: number, rolloutError?: string): ClusterRun => ({
  deployment: 'catalog',
  service: 'catalog',
  address: '10.96.0.10:80',
  replicas: 3,
  sent,
  restartAt: 2000,
  completeAt,
  rolloutError,
})

test('a complete rollout with nothing lost passes checks 1 and 3; the others need the process itself', () => {
  const checks = clusterChecks(run([ok(100), ok(2500), ok(9000)], 8000), options)
  assert.deepEqual(
    checks.map((c) => [c.n, c.status]),
    [
      [1, 'pass'],
      [2, 'n/a'],
      [3, 'pass'],
      [4, 'n/a'],
      [5, 'n/a'],
      [6, 'n/a'],
      [7, 'n/a'],
      [8, 'n/a'],
    ],
  )
  assert.match(checks[2]?.figure ?? '', /^0 of 2 failed from the restart on/)
})

test('refused connections during the rollout fail check 3 and point at the drain delay', () => {
  const check = clusterChecks(run([refused(100), ok(2500), refused(3000)], 8000), options)[2]
  assert.equal(check?.status, 'fail')
  assert.match(
    check?.figure ?? '',
    /^1 of 2 failed.*ECONNREFUSED ×1/,
    'only requests from the restart on count',
  )
  assert.match(check?.fix ?? '', /SHUTDOWN_DELAY_MS; or a preStop sleep/)
})

test('a rollout that never completes fails check 1 with what kubectl said', () => {
  const check = clusterChecks(run([ok(2500)], undefined, 'timed out waiting for the condition'), options)[0]
  assert.equal(check?.status, 'fail')
  assert.match(check?.figure ?? '', /timed out waiting for the condition/)
})
