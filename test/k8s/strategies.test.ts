// What each strategy overlay is for, asserted on its render; and the operator's one-value changes
// (new version, blue-green switch) made on a copy of k8s/ exactly as the READMEs say, then re-checked.
import assert from 'node:assert/strict'
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { after, describe, test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { WAIVE_ROLLING_UPDATE } from './lib/availability.ts'
import { checkManifests } from './lib/check.ts'
import { containerConfig } from './lib/env.ts'
import { byKind, type Dict, dict, find, type K8sObject, list, podTemplates } from './lib/objects.ts'
import { render } from './lib/render.ts'

const K8S = fileURLToPath(new URL('../../k8s/', import.meta.url))
const rendered = (overlay: string, root = K8S) => render(`${root}overlays/${overlay}`).then((r) => r.objects)
const spec = (objects: K8sObject[], kind: string, name: string): Dict => {
  const obj = find(objects, kind, name)
  assert.ok(obj, `${kind}/${name} not rendered`)
  return dict(obj.spec)
}
const replicas = (objects: K8sObject[], name: string) => spec(objects, 'Deployment', name).replicas
const image = (objects: K8sObject[], name: string) =>
  list(dict(dict(spec(objects, 'Deployment', name).template).spec).containers)[0]?.image

describe('strategy overlays', () => {
  test('recreate: every pod goes before new ones start, waived explicitly', async () => {
    const objects = await rendered('recreate')
    assert.deepEqual(spec(objects, 'Deployment', 'catalog').strategy, { type: 'Recreate' })
    const annotations = dict(find(objects, 'Deployment', 'catalog')?.metadata?.annotations)
    assert.ok(annotations[WAIVE_ROLLING_UPDATE], `no ${WAIVE_ROLLING_UPDATE} annotation`)
  })

  test('rolling-update: surge one pod at a time, never below the desired count', async () => {
    const objects = await rendered('rolling-update')
    const deployment = spec(objects, 'Deployment', 'catalog')
    assert.deepEqual(deployment.strategy, {
      type: 'RollingUpdate',
      rollingUpdate: { maxUnavailable: 0, maxSurge: 1 },
    })
    assert.equal(deployment.replicas, 3)
    assert.ok((deployment.minReadySeconds as number) > 0)
  })

  test('blue-green: catalog selects blue, catalog-preview selects green', async () => {
    const objects = await rendered('blue-green')
    assert.equal(dict(spec(objects, 'Service', 'catalog').selector)['zdd.dev/color'], 'blue')
    assert.equal(dict(spec(objects, 'Service', 'catalog-preview').selector)['zdd.dev/color'], 'green')
    assert.equal(image(objects, 'catalog-blue'), 'zdd/catalog:v1')
    assert.equal(image(objects, 'catalog-green'), 'zdd/catalog:v2')
    assert.equal(
      replicas(objects, 'catalog-blue'),
      replicas(objects, 'catalog-green'),
      'both colours full size',
    )
  })

  test('canary: 3 stable to 1 canary pods behind one Service', async () => {
    const objects = await rendered('canary')
    assert.equal(replicas(objects, 'catalog-stable'), 3)
    assert.equal(replicas(objects, 'catalog-canary'), 1)
    assert.deepEqual(spec(objects, 'Service', 'catalog').selector, { 'app.kubernetes.io/name': 'catalog' })
    assert.equal(dict(spec(objects, 'Service', 'catalog-canary').selector)['zdd.dev/track'], 'canary')
  })

  test('canary-traefik: 90/10 by weight, a header override and a mirror to the canary', async () => {
    const objects = await rendered('canary-traefik')
    const weighted = list(dict(spec(objects, 'TraefikService', 'catalog-weighted').weighted).services)
    assert.deepEqual(
      weighted.map((s) => [s.name, s.weight]),
      [
        ['catalog-stable', 90],
        ['catalog-canary', 10],
      ],
    )
    const mirroring = dict(spec(objects, 'TraefikService', 'catalog-mirror').mirroring)
    assert.equal(mirroring.name, 'catalog-stable')
    assert.deepEqual(
      list(mirroring.mirrors).map((m) => m.name),
      ['catalog-canary'],
    )
    const routes = list(spec(objects, 'IngressRoute', 'catalog').routes)
    assert.ok(routes.some((r) => String(r.match).includes('X-Zdd-Canary')))
  })

  test('canary-gateway-api: 90/10 backendRefs weights and a RequestMirror to the canary', async () => {
    const objects = await rendered('canary-gateway-api')
    const rules = list(spec(objects, 'HTTPRoute', 'catalog').rules)
    assert.deepEqual(
      list(rules[0]?.backendRefs).map((b) => [b.name, b.weight]),
      [
        ['catalog-stable', 90],
        ['catalog-canary', 10],
      ],
    )
    const mirror = list(rules.find((r) => r.filters)?.filters).find((f) => f.type === 'RequestMirror')
    assert.equal(dict(dict(mirror?.requestMirror).backendRef).name, 'catalog-canary')
  })

  test('shadow: clients reach primary only; every request is mirrored to the shadow', async () => {
    const objects = await rendered('shadow')
    assert.equal(dict(spec(objects, 'Service', 'catalog').selector)['zdd.dev/track'], 'primary')
    const mirroring = dict(spec(objects, 'TraefikService', 'catalog-mirror').mirroring)
    assert.equal(mirroring.name, 'catalog-primary')
    assert.deepEqual(
      list(mirroring.mirrors).map((m) => [m.name, m.percent]),
      [['catalog-shadow', 100]],
    )
  })

  test('minikube: the rolling update on a NodePort, local images only', async () => {
    const objects = await rendered('minikube')
    const svc = spec(objects, 'Service', 'catalog')
    assert.equal(svc.type, 'NodePort')
    assert.equal(list(svc.ports)[0]?.nodePort, 30080)
    const container = list(dict(dict(spec(objects, 'Deployment', 'catalog').template).spec).containers)[0]
    assert.equal(container?.imagePullPolicy, 'Never')
  })

  test('the version label and APP_VERSION follow the image tag in every overlay', async () => {
    for (const overlay of ['recreate', 'rolling-update', 'blue-green', 'canary', 'shadow', 'minikube']) {
      const objects = await rendered(overlay)
      for (const pod of podTemplates(objects)) {
        const container = pod.containers[0] ?? {}
        const tag = String(container.image).split(':')[1]
        assert.equal(pod.labels['app.kubernetes.io/version'], tag, `${overlay}: ${pod.owner.metadata?.name}`)
        assert.equal(containerConfig(objects, pod, container).config?.APP_VERSION, tag)
      }
    }
  })
})

describe('one-value changes, on a copy of k8s/', async () => {
  const root = `${await mkdtemp(`${tmpdir()}/zdd-k8s-`)}/`
  await cp(K8S, root, { recursive: true })
  after(() => rm(root, { recursive: true, force: true }))
  const edit = async (file: string, from: string, to: string) => {
    const text = await readFile(`${root}${file}`, 'utf8')
    assert.ok(text.includes(from), `${file} has no ${from}`)
    await writeFile(`${root}${file}`, text.replace(from, to))
  }

  test('a new version is one tag: image, version label and APP_VERSION all become v2', async () => {
    await edit('overlays/rolling-update/kustomization.yaml', 'newTag: v1', 'newTag: v2')
    const objects = await rendered('rolling-update', root)
    const [pod] = podTemplates(objects)
    assert.ok(pod)
    assert.equal(pod.containers[0]?.image, 'zdd/catalog:v2')
    assert.equal(dict(pod.owner.metadata?.labels)['app.kubernetes.io/version'], 'v2')
    assert.equal(containerConfig(objects, pod, pod.containers[0] ?? {}).config?.APP_VERSION, 'v2')
    assert.deepEqual(await checkManifests(objects), [])
  })

  test('the blue-green switch is one line, and so is the rollback', async () => {
    const file = 'overlays/blue-green/kustomization.yaml'
    const colours = async () => {
      const objects = await rendered('blue-green', root)
      assert.deepEqual(await checkManifests(objects), [])
      return byKind(objects, 'Service').map((svc) => [
        svc.metadata?.name,
        dict(dict(svc.spec).selector)['zdd.dev/color'],
      ])
    }
    await edit(file, '  - active-blue\n', '  - active-green\n')
    assert.deepEqual(await colours(), [
      ['catalog', 'green'],
      ['catalog-preview', 'blue'],
    ])
    await edit(file, '  - active-green\n', '  - active-blue\n')
    assert.deepEqual(await colours(), [
      ['catalog', 'blue'],
      ['catalog-preview', 'green'],
    ])
  })
})
