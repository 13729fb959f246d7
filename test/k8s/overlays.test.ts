// Every overlay, and the component variants no overlay uses, renders with the pinned kubectl and passes
// every schema, policy, cross-object and code check. Render time is printed per overlay.
import assert from 'node:assert/strict'
import { existsSync, readdirSync } from 'node:fs'
import { describe, test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { checkManifests } from './lib/check.ts'
import { formatProblem } from './lib/objects.ts'
import { render } from './lib/render.ts'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const OVERLAYS = `${ROOT}k8s/overlays/`
const GOOD = `${ROOT}test/k8s/fixtures/good/`

const dirs = (parent: string) =>
  readdirSync(parent, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(`${parent}${entry.name}/kustomization.yaml`))
    .map((entry) => entry.name)
    .sort()

describe('overlays', () => {
  test('every strategy has an overlay', () => {
    for (const name of [
      'recreate',
      'rolling-update',
      'blue-green',
      'canary',
      'canary-traefik',
      'canary-gateway-api',
      'ab-testing',
      'shadow',
      'minikube',
      'local',
    ]) {
      assert.ok(dirs(OVERLAYS).includes(name), `k8s/overlays/${name} missing`)
    }
  })

  for (const name of dirs(OVERLAYS)) {
    test(`${name} renders and passes every check`, async (t) => {
      assert.ok(existsSync(`${OVERLAYS}${name}/README.md`), `k8s/overlays/${name}/README.md missing`)
      const { objects, ms } = await render(`${OVERLAYS}${name}`)
      t.diagnostic(`k8s/overlays/${name}: ${objects.length} objects rendered in ${ms.toFixed(0)} ms`)
      assert.ok(
        objects.some((obj) => obj.kind === 'Deployment'),
        'renders no Deployment',
      )
      const problems = await checkManifests(objects)
      assert.deepEqual(problems.map(formatProblem), [])
    })
  }
})

describe('component variants', () => {
  for (const name of dirs(GOOD)) {
    test(`${name} renders and passes every check`, async (t) => {
      const { objects, ms } = await render(`${GOOD}${name}`)
      t.diagnostic(
        `test/k8s/fixtures/good/${name}: ${objects.length} objects rendered in ${ms.toFixed(0)} ms`,
      )
      assert.deepEqual((await checkManifests(objects)).map(formatProblem), [])
    })
  }
})
