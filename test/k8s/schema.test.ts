// The unknown-field walk on its own: it must flag typos at any depth, in core kinds and CRDs, and must
// leave maps (labels, data) and free-form CRD fields (a Traefik plugin's config) alone.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { K8sObject } from './lib/objects.ts'
import { schemaProblems } from './lib/schema.ts'

const messages = async (obj: K8sObject) => (await schemaProblems([obj])).map((p) => `${p.rule}: ${p.message}`)

test('maps and free-form CRD fields are not unknown fields', async () => {
  const configMap = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'c', labels: { 'a.b/c': 'd' } },
    data: { ANY_KEY: 'x' },
  }
  assert.deepEqual(await messages(configMap), [])
  const plugin = {
    apiVersion: 'traefik.io/v1alpha1',
    kind: 'Middleware',
    metadata: { name: 'm' },
    spec: { plugin: { demo: { nested: { any: 1 } } } },
  }
  assert.deepEqual(await messages(plugin), [])
})

test('typos are caught at any depth, in core kinds and CRDs', async () => {
  const pdb = {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: { name: 'p' },
    spec: { maxUnavailabel: 1, selector: { matchLabels: { a: 'b' } } },
  }
  assert.deepEqual(await messages(pdb), [
    'schema-unknown-field: unknown field spec.maxUnavailabel (not in the PodDisruptionBudget schema)',
  ])
  const monitor = {
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'ServiceMonitor',
    metadata: { name: 's' },
    spec: { selector: {}, endpoints: [{ port: 'm', scrapeTimout: '5s' }] },
  }
  assert.deepEqual(await messages(monitor), [
    'schema-unknown-field: unknown field spec.endpoints[0].scrapeTimout (not in the ServiceMonitor schema)',
  ])
})

test('wrong types and unknown kinds are reported with their path', async () => {
  const svc = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 's' },
    spec: { ports: [{ port: '80' }] },
  }
  assert.deepEqual(await messages(svc), ['schema-valid: spec.ports[0].port must be integer'])
  assert.deepEqual(await messages({ apiVersion: 'apps/v1', kind: 'Deploymnet', metadata: { name: 'd' } }), [
    'schema-known-kind: no model for apiVersion apps/v1 kind Deploymnet',
  ])
})
