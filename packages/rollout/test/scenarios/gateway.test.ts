// The pieces the gateway scenarios judge with: the gateway's /metrics as text, the route header, cohorts
// of requests (share, users, latency, stickiness), and the options they refuse.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { parseMetrics, parseRoute, type RequestRecord, resolveOptions } from '@zdd/rollout'
import { cohorts, switchedUsers, within } from '../../src/scenarios/cohorts.ts'

test('metrics: only the named families, labels unescaped as written, values as numbers', () => {
  const text = [
    '# HELP gateway_upstream_retries_total Idempotent requests sent a second time',
    '# TYPE gateway_upstream_retries_total counter',
    'gateway_upstream_retries_total{route="catalog",upstream="catalog"} 3',
    'shadow_requests_total{route="recommendations",result="mismatch"} 211',
    'shadow_requests_total{route="recommendations",result="match"} 0',
    'process_cpu_seconds_total 1.5',
    'gateway_upstream_errors_total{route="catalog",upstream="catalog",code="ZDD_GATEWAY_UPSTREAM_UNAVAILABLE"} 2',
  ].join('\n')
  const names = new Set([
    'gateway_upstream_retries_total',
    'shadow_requests_total',
    'gateway_upstream_errors_total',
  ])
  assert.deepEqual(parseMetrics(text, names), [
    { name: 'gateway_upstream_retries_total', labels: { route: 'catalog', upstream: 'catalog' }, value: 3 },
    { name: 'shadow_requests_total', labels: { route: 'recommendations', result: 'mismatch' }, value: 211 },
    { name: 'shadow_requests_total', labels: { route: 'recommendations', result: 'match' }, value: 0 },
    {
      name: 'gateway_upstream_errors_total',
      labels: { route: 'catalog', upstream: 'catalog', code: 'ZDD_GATEWAY_UPSTREAM_UNAVAILABLE' },
      value: 2,
    },
  ])
})

test('x-zdd-route gives the track and the variant', () => {
  assert.deepEqual(parseRoute('catalog; track=canary; variant=none'), { track: 'canary', variant: 'none' })
  assert.deepEqual(parseRoute('recommendations; track=stable; variant=b'), { track: 'stable', variant: 'b' })
  assert.deepEqual(parseRoute(undefined), {})
})

const record = (tMs: number, user: string, track: string, extra: Partial<RequestRecord> = {}) =>
  ({ tMs, latencyMs: 10, status: 200, user, track, ...extra }) as RequestRecord

test('cohorts: share of requests and of users, failures, latency; transport failures unattributed', () => {
  const records = [
    record(0, 'u1', 'canary', { latencyMs: 40 }),
    record(5, 'u2', 'stable'),
    record(10, 'u3', 'stable'),
    record(15, 'u3', 'stable', { failure: 'http_5xx', status: 502 }),
    { tMs: 20, latencyMs: 5, failure: 'reset', user: 'u4' } as RequestRecord,
  ]
  const by = cohorts(records, (r) => r.track)
  assert.deepEqual(Object.keys(by), ['canary', 'stable', 'unattributed'])
  assert.equal(by.canary?.share, 0.2)
  assert.equal(by.canary?.userShare, 0.25)
  assert.equal(by.canary?.latencyMs.p99, 40)
  assert.deepEqual(
    [by.stable?.requests, by.stable?.failed, by.stable?.errorPercent, by.stable?.users],
    [3, 1, 33.33, 2],
  )
  assert.equal(by.unattributed?.failed, 1)
  assert.equal(within(records, 5, 15).length, 3)
})

test('a user answered two ways is a switched user; failures do not count', () => {
  const records = [
    record(0, 'u1', 'stable'),
    record(5, 'u1', 'stable'),
    record(10, 'u2', 'stable'),
    record(15, 'u2', 'canary'),
    record(20, 'u3', 'stable'),
    record(25, 'u3', 'canary', { failure: 'http_5xx' }),
  ]
  assert.deepEqual(
    switchedUsers(records, (r) => r.track),
    ['u2'],
  )
})

test('the gateway scenarios need the stack, and refuse meaningless settings naming them', () => {
  const service = { name: 'catalog', entry: '/nowhere.js', path: '/products' }
  assert.throws(
    () => resolveOptions({ service, scenario: { kind: 'canary-flags' } }),
    /Invalid options: stack is needed: the canary-flags scenario runs a gateway/,
  )
  const stack = {
    entries: { gateway: 'g', catalog: 'c', recommendations: 'r' },
    flagsFile: 'f',
    editFlags: () => undefined,
  }
  const bad = (scenario: { kind: string } & Record<string, unknown>, message: RegExp) =>
    assert.throws(() => resolveOptions({ service, stack, scenario }), message)
  bad(
    { kind: 'canary-flags', percentages: [25, 5] },
    /percentages must be rising whole percentages .* \(got \[25,5\]\)/,
  )
  bad({ kind: 'canary-flags', percentages: [] }, /percentages must be rising whole percentages/)
  bad(
    { kind: 'ab', weights: { a: 60, b: 50 } },
    /weights must give a and b as whole percentages summing to 100/,
  )
  bad({ kind: 'ab', weights: { a: 101, b: 0 } }, /weights must give a and b .* \(got \{"a":101,"b":0\}\)/)
  bad({ kind: 'feature-switch', rollout: 0 }, /rollout must be a whole number from 1 to 100 \(got 0\)/)
  bad({ kind: 'gateway-rolling', roll: 'both' }, /roll must be gateway or catalog \(got "both"\)/)
  // Every problem at once, each named.
  bad({ kind: 'shadow', holdMs: 1, users: 0 }, /holdMs must be .*; users must be/)
  assert.equal(resolveOptions({ service, stack, scenario: { kind: 'shadow' } }).scenario.kind, 'shadow')
})
