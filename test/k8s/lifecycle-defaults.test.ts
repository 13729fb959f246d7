// `zdd demo --cluster --lifecycle-defaults` applies a generated overlay that removes every SHUTDOWN_* key
// from the services' env ConfigMaps, so the pods run @zdd/lifecycle's own defaults. Rendered by the real
// kustomize: the keys are gone and nothing else changed; the control, the same overlay without the
// option, has the drain component's values.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { overlayDir } from '@zdd/cluster'
import type { K8sObject } from './lib/objects.ts'
import { render } from './lib/render.ts'

const envMaps = (objects: K8sObject[]) =>
  objects.filter((o) => o.kind === 'ConfigMap' && o.metadata?.labels?.['zdd.dev/config'] === 'env')
const dataOf = (o: K8sObject) => (o as unknown as { data: Record<string, string> }).data

test('--lifecycle-defaults: every SHUTDOWN_* key removed from the env ConfigMaps, the rest as the overlay has it', async () => {
  const plain = envMaps((await render(overlayDir('rolling-update'))).objects)
  const defaults = envMaps((await render(overlayDir('rolling-update', { lifecycleDefaults: true }))).objects)
  assert.equal(plain.length, 4, 'the four services')
  assert.equal(defaults.length, plain.length)
  for (const map of plain)
    assert.equal(dataOf(map).SHUTDOWN_DELAY_MS, '5000', 'the control has the drain values')
  for (const [i, map] of defaults.entries()) {
    const data = dataOf(map)
    assert.deepEqual(
      Object.keys(data).filter((k) => k.startsWith('SHUTDOWN_')),
      [],
    )
    const expected = Object.fromEntries(
      Object.entries(dataOf(plain[i] as K8sObject)).filter(([k]) => !k.startsWith('SHUTDOWN_')),
    )
    assert.deepEqual(data, expected, 'every other key kept')
    // A new content hash: applying it rolls the Deployments that use it.
    assert.notEqual(map.metadata?.name, plain[i]?.metadata?.name)
  }
})
