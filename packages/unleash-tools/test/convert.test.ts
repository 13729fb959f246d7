// The conversions between Unleash's API shapes and the offline flags file, without a server (the real
// unleash-server is exercised in test/unleash/).
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { DEMO_FLAGS_FILE, readFlagsFile } from '@zdd/flags'
import {
  type AdminFeature,
  canonical,
  fromAdmin,
  fromClientFeatures,
  serverRoot,
  serverVariants,
  strategyBody,
} from '@zdd/unleash-tools'

test('serverVariants: equal weights stay variable; others are fixed but the last, so Unleash keeps them', () => {
  const v = (name: string, weight: number) => ({ name, weight, weightType: 'variable', stickiness: 'userId' })
  assert.deepEqual(
    serverVariants([v('a', 500), v('b', 500)]).map((x) => x.weightType),
    ['variable', 'variable'],
  )
  const uneven = serverVariants([v('a', 800), v('b', 200)])
  assert.deepEqual(
    uneven.map((x) => [x.name, x.weight, x.weightType, x.stickiness]),
    [
      ['a', 800, 'fix', 'userId'],
      ['b', 200, 'variable', 'userId'],
    ],
  )
  assert.deepEqual(serverVariants([]), [])
})

test('an admin flag in one environment reads as the offline definition; server-only fields dropped', () => {
  const admin: AdminFeature = {
    name: 'catalog-canary',
    type: 'release',
    description: null,
    environments: [
      { name: 'production', enabled: false, strategies: [] },
      {
        name: 'development',
        enabled: true,
        strategies: [
          {
            id: '01ABC',
            name: 'flexibleRollout',
            constraints: [],
            parameters: { groupId: 'catalog-canary', rollout: '10', stickiness: 'userId' },
            variants: [],
            segments: [],
            disabled: false,
          },
          { id: '01DEF', name: 'default', constraints: [], parameters: {}, disabled: true },
        ],
      },
    ],
  }
  const flag = fromAdmin(admin, 'development')
  assert.deepEqual(flag, {
    name: 'catalog-canary',
    type: 'release',
    enabled: true,
    strategies: [
      {
        name: 'flexibleRollout',
        constraints: [],
        // the order of the UI and of demo.json, whatever order the server sent
        parameters: { rollout: '10', stickiness: 'userId', groupId: 'catalog-canary' },
      },
    ],
    variants: [],
  })
  assert.deepEqual(Object.keys(flag.strategies[0]?.parameters ?? {}), ['rollout', 'stickiness', 'groupId'])
  assert.equal(fromAdmin(admin, 'development', true).strategies[0]?.name, 'flexibleRollout')
  assert.equal((fromAdmin(admin, 'development', true).strategies[0] as { id?: string }).id, '01ABC')
  assert.equal(fromAdmin(admin, 'production').enabled, false)
})

test('segments cannot be written offline: the export says which flag, instead of dropping them', () => {
  const admin: AdminFeature = {
    name: 'x',
    environments: [
      { name: 'development', enabled: true, strategies: [{ id: '1', name: 'default', segments: [3] }] },
    ],
  }
  assert.throws(() => fromAdmin(admin, 'development'), /ZDD_UNLEASH_UNSUPPORTED_FLAG|Flag "x".*segments/)
})

test('the demo file survives the round trip through the admin API shapes unchanged', () => {
  const demo = readFlagsFile(DEMO_FLAGS_FILE)
  for (const feature of demo.features) {
    const admin: AdminFeature = {
      name: feature.name,
      type: feature.type ?? 'release',
      description: feature.description ?? null,
      environments: [
        {
          name: 'development',
          enabled: feature.enabled,
          strategies: feature.strategies.map((s, i) => ({ id: String(i), ...strategyBody(s), segments: [] })),
        },
      ],
    }
    assert.deepEqual(fromAdmin(admin, 'development'), feature, feature.name)
  }
  const client = {
    features: demo.features.map((f) => ({ ...f, project: 'default', stale: false, impressionData: false })),
  }
  assert.deepEqual(fromClientFeatures(client), demo)
})

test('canonical: same meaning, same string (parameter order, ids and weight types do not matter)', () => {
  const [ab] = readFlagsFile(DEMO_FLAGS_FILE).features
  assert.ok(ab)
  const reordered = structuredClone(ab)
  const strategy = reordered.strategies[0]
  assert.ok(strategy)
  strategy.parameters = { groupId: 'recommendations-ab', stickiness: 'userId', rollout: '100' }
  Object.assign(strategy, { id: 'server-id' })
  for (const v of strategy.variants ?? []) v.weightType = 'fix'
  assert.equal(canonical(reordered), canonical(ab))
  strategy.parameters = { ...strategy.parameters, rollout: '50' }
  assert.notEqual(canonical(reordered), canonical(ab))
})

test('serverRoot accepts the services form (…/api/) and the bare server', () => {
  assert.equal(serverRoot('http://127.0.0.1:4242/api/'), 'http://127.0.0.1:4242')
  assert.equal(serverRoot('http://unleash:4242/'), 'http://unleash:4242')
  assert.equal(serverRoot('http://unleash:4242'), 'http://unleash:4242')
})
