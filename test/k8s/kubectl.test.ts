// The renderer the manifests are tested with is the one users apply them with: kubectl's built-in
// kustomize. Its version is printed here, once per test run.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { KUBECTL, kubectlVersion } from './lib/render.ts'

test(`pinned kubectl (${KUBECTL}) has kustomize v5`, async (t) => {
  const version = await kubectlVersion()
  t.diagnostic(`${KUBECTL} version --client:`)
  for (const line of version.split('\n')) t.diagnostic(`  ${line}`)
  // Components, `labels` with includeSelectors and replacement options all need kustomize v5.
  assert.match(version, /Kustomize Version: v5\./)
})
