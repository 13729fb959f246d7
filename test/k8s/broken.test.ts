// Negative fixtures: each is one realistic mistake on top of a real overlay (test/k8s/fixtures/broken/*,
// a kustomization naming the mistake in its first comment). Each must be rejected by its rule, with a
// message naming the object, and by nothing unrelated, so a check that stops working fails here.
import assert from 'node:assert/strict'
import { readdirSync } from 'node:fs'
import { describe, test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { checkManifests } from './lib/check.ts'
import { formatProblem, type Problem } from './lib/objects.ts'
import { renderAll } from './lib/render.ts'
import { RULES, type RuleId } from './lib/rules.ts'

const BROKEN = fileURLToPath(new URL('fixtures/broken/', import.meta.url))

interface Case {
  fixture: string
  rule: RuleId
  object: string
  /** Rules that legitimately fire too (the same mistake seen from another angle). */
  also?: RuleId[]
}

const CASES: Case[] = [
  { fixture: 'unknown-kind', rule: 'schema-known-kind', object: 'IngresRoute/catalog' },
  {
    fixture: 'nested-selector',
    rule: 'schema-valid',
    object: 'Service/catalog',
    also: ['selector-shape', 'service-selects-pods'],
  },
  { fixture: 'typo-image-pull-policy', rule: 'schema-unknown-field', object: 'Deployment/catalog' },
  {
    fixture: 'typo-traefik-weight',
    rule: 'schema-unknown-field',
    object: 'TraefikService/catalog-weighted',
    also: ['traefik-weights'],
  },
  { fixture: 'host-network', rule: 'pss-host-access', object: 'Deployment/catalog' },
  { fixture: 'host-path-volume', rule: 'pss-volume-types', object: 'Deployment/catalog' },
  { fixture: 'root-container', rule: 'pss-run-as-non-root', object: 'Deployment/catalog' },
  { fixture: 'privilege-escalation', rule: 'pss-privilege-escalation', object: 'Deployment/catalog' },
  { fixture: 'capabilities-added', rule: 'pss-capabilities', object: 'Deployment/catalog' },
  { fixture: 'seccomp-unconfined', rule: 'pss-seccomp', object: 'Deployment/catalog' },
  { fixture: 'writable-root-fs', rule: 'read-only-root-fs', object: 'Deployment/catalog' },
  { fixture: 'service-account-token', rule: 'service-account-token', object: 'Deployment/catalog' },
  { fixture: 'no-memory-limit', rule: 'resources', object: 'Deployment/catalog' },
  { fixture: 'latest-image', rule: 'image-tag', object: 'Deployment/catalog' },
  { fixture: 'missing-probes', rule: 'probes', object: 'Deployment/catalog' },
  { fixture: 'max-unavailable', rule: 'rolling-update', object: 'Deployment/catalog' },
  { fixture: 'no-pdb', rule: 'pdb-covers-replicas', object: 'Deployment/catalog' },
  { fixture: 'pdb-no-disruption', rule: 'pdb-allows-disruption', object: 'PodDisruptionBudget/catalog' },
  { fixture: 'two-pdbs', rule: 'pdb-overlap', object: 'Deployment/catalog' },
  { fixture: 'no-spread', rule: 'spread', object: 'Deployment/catalog' },
  { fixture: 'no-drain-delay', rule: 'drain-delay', object: 'Deployment/catalog' },
  { fixture: 'prestop-over-grace', rule: 'drain-budget', object: 'Deployment/catalog' },
  { fixture: 'shutdown-timeout-over-grace', rule: 'drain-budget', object: 'Deployment/catalog' },
  {
    fixture: 'component-without-namespace',
    rule: 'namespace',
    object: 'NetworkPolicy/backends',
    // The policies, in no namespace, isolate none of the backends in zdd.
    also: ['network-policy-ports', 'backend-ingress', 'management-ingress'],
  },
  {
    fixture: 'nested-selector',
    rule: 'selector-shape',
    object: 'Service/catalog',
    also: ['schema-valid', 'service-selects-pods'],
  },
  {
    fixture: 'selector-not-template',
    rule: 'workload-selector-matches-template',
    object: 'Deployment/catalog',
  },
  { fixture: 'overlapping-canary', rule: 'workload-selectors-overlap', object: 'Deployment/catalog-stable' },
  { fixture: 'service-selector-typo', rule: 'service-selects-pods', object: 'Service/catalog' },
  { fixture: 'target-port-typo', rule: 'service-target-port', object: 'Service/catalog' },
  { fixture: 'service-exposes-management', rule: 'service-no-management-port', object: 'Service/catalog' },
  { fixture: 'blue-green-both-colours', rule: 'one-colour-per-service', object: 'Service/catalog' },
  { fixture: 'shadow-served', rule: 'shadow-isolated', object: 'Service/catalog' },
  { fixture: 'canary-bigger-than-stable', rule: 'canary-ratio', object: 'Service/catalog' },
  { fixture: 'dangling-traefikservice', rule: 'traefik-ref', object: 'IngressRoute/catalog' },
  { fixture: 'traefik-weights', rule: 'traefik-weights', object: 'TraefikService/catalog-weighted' },
  { fixture: 'dangling-backendref', rule: 'gateway-ref', object: 'HTTPRoute/catalog' },
  { fixture: 'gateway-weights', rule: 'gateway-weights', object: 'HTTPRoute/catalog' },
  // Misnamed, the container is no known service, so the app's own drain delay is unknown too.
  {
    fixture: 'unknown-service',
    rule: 'service-schema-known',
    object: 'Deployment/catalog',
    also: ['drain-delay'],
  },
  // Without its ConfigMap the service boots on defaults: no drain delay.
  { fixture: 'configmap-missing', rule: 'env-source', object: 'Deployment/catalog', also: ['drain-delay'] },
  { fixture: 'env-not-in-schema', rule: 'env-in-schema', object: 'Deployment/catalog' },
  { fixture: 'config-invalid', rule: 'config-valid', object: 'Deployment/catalog' },
  { fixture: 'port-mismatch', rule: 'ports-match-config', object: 'Deployment/catalog' },
  { fixture: 'probe-on-traffic-port', rule: 'probe-port', object: 'Deployment/catalog' },
  { fixture: 'probe-path-not-served', rule: 'probe-path-served', object: 'Deployment/catalog' },
  { fixture: 'metrics-wrong-port', rule: 'metrics-annotations', object: 'Deployment/catalog' },
  { fixture: 'servicemonitor-wrong-port', rule: 'servicemonitor-ref', object: 'ServiceMonitor/zdd' },
  { fixture: 'network-policy-port-typo', rule: 'network-policy-ports', object: 'NetworkPolicy/backends' },
  { fixture: 'volume-not-mounted', rule: 'volume-mounts', object: 'Deployment/catalog' },
  // The gateway's own start-up check on its loaded config, beside the schema.
  { fixture: 'gateway-timeouts-not-nested', rule: 'config-valid', object: 'Deployment/gateway' },
  { fixture: 'backend-open-to-all', rule: 'backend-ingress', object: 'NetworkPolicy/catalog-nodeport' },
  {
    fixture: 'management-open-to-namespace',
    rule: 'management-ingress',
    object: 'NetworkPolicy/management-from-namespace',
  },
  { fixture: 'gateway-routes-invalid', rule: 'gateway-routes', object: 'Deployment/gateway' },
  { fixture: 'gateway-upstream-missing', rule: 'gateway-upstreams', object: 'Deployment/gateway' },
  { fixture: 'gateway-flags-variants', rule: 'gateway-flags', object: 'Deployment/gateway' },
  { fixture: 'flags-file-not-mounted', rule: 'flags-source', object: 'Deployment/gateway' },
  { fixture: 'flags-token-literal', rule: 'flags-token', object: 'Deployment/gateway' },
]

// Rendered up front, three at a time: kubectl's start-up dominates, and there is one render per fixture.
const renders = renderAll([...new Set(CASES.map((c) => `${BROKEN}${c.fixture}`))])
const results = new Map<string, Promise<Problem[]>>()
function problemsOf(fixture: string): Promise<Problem[]> {
  let result = results.get(fixture)
  if (!result) {
    const rendered = renders.get(`${BROKEN}${fixture}`) ?? Promise.reject(new Error(`${fixture}: no case`))
    result = rendered.then(({ objects }) => checkManifests(objects))
    results.set(fixture, result)
  }
  return result
}

describe('negative fixtures', () => {
  test('every rule has a negative fixture, and every fixture a case', () => {
    const covered = new Set(CASES.map((c) => c.rule))
    assert.deepEqual(
      Object.keys(RULES).filter((rule) => !covered.has(rule as RuleId)),
      [],
    )
    const fixtures = readdirSync(BROKEN).sort()
    assert.deepEqual(
      fixtures.filter((f) => !CASES.some((c) => c.fixture === f)),
      [],
    )
  })

  for (const c of CASES) {
    test(`${c.fixture} is rejected by ${c.rule}`, async (t) => {
      const problems = await problemsOf(c.fixture)
      for (const p of problems) t.diagnostic(formatProblem(p))
      const hit = problems.find((p) => p.rule === c.rule && p.object === c.object)
      assert.ok(
        hit,
        `expected a ${c.rule} problem on ${c.object}, got:\n${problems.map(formatProblem).join('\n')}`,
      )
      assert.ok(formatProblem(hit).startsWith(`${c.object}: `) && formatProblem(hit).endsWith(`[${c.rule}]`))
      const allowed = new Set<RuleId>([c.rule, ...(c.also ?? [])])
      const unrelated = problems.filter((p) => !allowed.has(p.rule))
      assert.deepEqual(unrelated.map(formatProblem), [], 'the fixture should break one thing')
    })
  }
})
