// Demo flags: per-strategy defaults, and every bad value a usage error that names its flag.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { resolveOptions } from '@zdd/rollout'
import { optionsFrom, rejectForeignFlags } from '../../src/demo/options.ts'

/** `optionsFrom` refuses these flags with a usage error whose message matches. */
function usage(kind: string, flags: Record<string, string>, message: RegExp): void {
  assert.throws(
    () => optionsFrom(kind, flags),
    (err: Error & { code?: string }) => {
      assert.equal(err.code, 'ZDD_CLI_USAGE')
      assert.match(err.message, message)
      return true
    },
  )
}

test('each strategy gets its scenario and its defaults; the options resolve', () => {
  const canary = optionsFrom('canary', {})
  assert.equal(canary.replicas, 4)
  assert.equal(canary.maxRequestsPerConnection, 10)
  assert.deepEqual(canary.scenario, { kind: 'canary', steps: [1, 2], stepPauseMs: 2000, maxErrorPercent: 0 })
  const drain = optionsFrom('node-drain', { pdb: 'minAvailable=75%', placement: 'packed', nodes: '2' })
  assert.deepEqual(drain.scenario, {
    kind: 'node-drain',
    nodes: 2,
    placement: 'packed',
    pdb: { minAvailable: '75%' },
    evictionRetryMs: 5000,
  })
  assert.equal(optionsFrom('node-drain', { pdb: 'none' }).scenario?.kind === 'node-drain', true)
  const blueGreen = optionsFrom('blue-green', { preview: true, 'scale-down-delay-ms': '0' })
  assert.deepEqual(blueGreen.scenario, {
    kind: 'blue-green',
    preview: true,
    rollback: false,
    scaleDownDelayMs: 0,
  })
  assert.equal(blueGreen.maxRequestsPerConnection, 0)
  assert.deepEqual(optionsFrom('recreate', {}).strategy, { type: 'Recreate' })
  for (const strategy of ['rolling', 'recreate', 'blue-green', 'canary', 'node-drain'] as const) {
    assert.equal(resolveOptions(optionsFrom(strategy, {})).scenario.kind, strategy)
  }
})

test('bad values are usage errors naming the flag', () => {
  usage('canary', { steps: '2,1' }, /^--steps must be rising canary replica counts below the replicas/)
  usage('canary', { steps: '1,4', replicas: '4' }, /--steps .*\(got "1,4"\)/)
  usage('canary', { steps: 'all' }, /^--steps must be rising canary replica counts .* \(got "all"\)/)
  usage('canary', { replicas: '1' }, /^--replicas must be at least 2 for a canary/)
  usage('canary', { 'max-error-percent': '101' }, /^--max-error-percent must be a number from 0 to 100/)
  usage(
    'node-drain',
    { pdb: 'maxUnavailable=0' },
    /^--pdb maxUnavailable=0 with 4 replicas allows no eviction/,
  )
  usage('node-drain', { pdb: 'minAvailable=4' }, /^--pdb minAvailable=4 with 4 replicas allows no eviction/)
  usage('node-drain', { pdb: 'sometimes' }, /^--pdb must be maxUnavailable=N\|N%, minAvailable=N\|N% or none/)
  usage('node-drain', { placement: 'random' }, /^--placement must be spread or packed/)
  usage('node-drain', { nodes: '1' }, /^--nodes must be a whole number from 2 to 10/)
  usage('blue-green', { 'scale-down-delay-ms': '-1' }, /^--scale-down-delay-ms must be a whole number/)
  usage(
    'rolling',
    { 'propagation-jitter-ms': '900', 'propagation-delay-ms': '500' },
    /^--propagation-jitter-ms must not exceed/,
  )
  usage('rolling', { 'latency-ms': '9000' }, /^--latency-ms must be a whole number from 0 to 5000/)
})

test('a flag of another strategy names the strategies it applies to', () => {
  assert.throws(
    () => rejectForeignFlags('recreate', { 'max-surge': '1' }),
    /--max-surge applies to rolling only/,
  )
  assert.throws(() => rejectForeignFlags('rolling', { pdb: 'none' }), /--pdb applies to node-drain only/)
  rejectForeignFlags('canary', { steps: '1', rps: '10', unprepared: true })
})

test('the gateway strategies: their scenario, service and stack; bad values name their flag', () => {
  const flags = optionsFrom('canary-flags', { percentages: '10,100', 'canary-latency-ms': '300' })
  assert.equal(flags.replicas, 2)
  assert.equal(flags.service.name, 'catalog')
  assert.deepEqual(flags.scenario, {
    kind: 'canary-flags',
    percentages: [10, 100],
    stepPauseMs: 2000,
    maxErrorPercent: 0,
    maxP99Ms: 1000,
    canaryLatencyMs: 300,
    users: 1000,
  })
  assert.match(flags.stack?.entries.gateway ?? '', /services\/gateway\/dist\/main\.js$/)
  const ab = optionsFrom('ab', { variants: 'a=80,b=20', 'latency-ms': '5' })
  assert.deepEqual([ab.fromVersion, ab.toVersion, ab.service.name], ['a', 'b', 'recommendations'])
  assert.deepEqual(ab.service.env, { RECOMMENDATIONS_LATENCY_MS: '5' })
  assert.deepEqual(ab.scenario?.kind === 'ab' && ab.scenario.weights, { a: 80, b: 20 })
  const gateway = optionsFrom('gateway-rolling', {})
  assert.deepEqual([gateway.service.name, gateway.service.path], ['gateway', '/api/catalog/products'])
  assert.equal(optionsFrom('gateway-rolling', { roll: 'catalog' }).service.name, 'catalog')
  assert.equal(optionsFrom('rolling', {}).stack, undefined, 'only the gateway strategies run the stack')
  for (const strategy of ['canary-flags', 'ab', 'shadow', 'feature-switch', 'gateway-rolling'] as const) {
    assert.equal(resolveOptions(optionsFrom(strategy, {})).scenario.kind, strategy)
  }
  usage('canary-flags', { percentages: '50,25' }, /^--percentages must be rising whole percentages/)
  usage('canary-flags', { percentages: '5,101' }, /^--percentages must be rising/)
  usage('ab', { variants: 'a=60,b=60' }, /^--variants must give a and b as whole percentages summing to 100/)
  usage('ab', { variants: 'a=100' }, /^--variants must give a and b/)
  usage('shadow', { 'shadow-algorithm': 'random' }, /^--shadow-algorithm must be personalized or popular/)
  usage('feature-switch', { rollout: '0' }, /^--rollout must be a whole number from 1 to 100/)
  usage('gateway-rolling', { roll: 'both' }, /^--roll must be gateway or catalog/)
  assert.throws(
    () => rejectForeignFlags('rolling', { users: '10' }),
    /--users applies to progressive, canary-flags, ab, shadow, feature-switch only/,
  )
  rejectForeignFlags('canary-flags', { 'step-pause-ms': '500', 'max-error-percent': '1' })
})
