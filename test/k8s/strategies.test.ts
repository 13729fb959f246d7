// What each strategy overlay is for, asserted on its render; and the operator's one-value changes
// (new version, blue-green switch) made on a copy of k8s/ exactly as the READMEs say, then re-checked.
//
// Longer than the ~250 lines the style guide asks: one test per strategy overlay, side by side so that they
// read as a table.
import assert from 'node:assert/strict'
import { existsSync, readdirSync } from 'node:fs'
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { after, describe, test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { DEMO_FLAGS_FILE, FLAG, parseFlags } from '@zdd/flags'
import type { RouteTable } from '@zdd/routes'
import { WAIVE_ROLLING_UPDATE } from './lib/availability.ts'
import { checkManifests } from './lib/check.ts'
import { containerConfig } from './lib/env.ts'
import { byKind, type Dict, dict, find, type K8sObject, list, podTemplates } from './lib/objects.ts'
import { render } from './lib/render.ts'

const K8S = fileURLToPath(new URL('../../k8s/', import.meta.url))
const OVERLAYS = readdirSync(`${K8S}overlays`).filter((name) =>
  existsSync(`${K8S}overlays/${name}/kustomization.yaml`),
)
const renders = new Map<string, Promise<K8sObject[]>>()
/** Renders of k8s/ itself are shared by the tests (read-only); a copy's are made afresh after each edit. */
const rendered = (overlay: string, root = K8S) => {
  const dir = `${root}overlays/${overlay}`
  const fresh = () => render(dir).then((r) => r.objects)
  if (root !== K8S) return fresh()
  let objects = renders.get(dir)
  if (!objects) {
    objects = fresh()
    renders.set(dir, objects)
  }
  return objects
}
const spec = (objects: K8sObject[], kind: string, name: string): Dict => {
  const obj = find(objects, kind, name)
  assert.ok(obj, `${kind}/${name} not rendered`)
  return dict(obj.spec)
}
const replicas = (objects: K8sObject[], name: string) => spec(objects, 'Deployment', name).replicas
const image = (objects: K8sObject[], name: string) =>
  list(dict(dict(spec(objects, 'Deployment', name).template).spec).containers)[0]?.image
/** A Deployment's effective env (ConfigMaps and downward API resolved), as its service would boot with it. */
const envOf = (objects: K8sObject[], name: string) => {
  const pod = podTemplates(objects).find((p) => p.owner.metadata?.name === name)
  assert.ok(pod, `Deployment/${name} not rendered`)
  return containerConfig(objects, pod, pod.containers[0] ?? {})
}
const routeTable = (objects: K8sObject[]) =>
  JSON.parse(envOf(objects, 'gateway').env.get('GATEWAY_ROUTES') ?? '{}') as RouteTable
const route = (objects: K8sObject[], name: string) => {
  const found = routeTable(objects).routes.find((r) => r.name === name)
  assert.ok(found, `the gateway has no route ${name}`)
  return found
}
/** Upstream name -> the Service its URL names (`http://catalog-stable` -> catalog-stable). */
const upstreamService = (objects: K8sObject[], upstream: string) =>
  new URL(routeTable(objects).upstreams[upstream] ?? 'http://missing').hostname.split('.')[0]

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
    // The gateway's own shadow, comparing answers: serves from catalog (primary), mirrors to catalog-shadow.
    const catalog = route(objects, 'catalog')
    assert.equal(upstreamService(objects, catalog.upstream), 'catalog')
    assert.equal(upstreamService(objects, catalog.shadow?.upstream ?? ''), 'catalog-shadow')
  })

  test('canary: infrastructure level by default, the gateway calling the Service over both tracks', async () => {
    for (const overlay of ['canary', 'canary-traefik', 'canary-gateway-api']) {
      const objects = await rendered(overlay)
      const catalog = route(objects, 'catalog')
      assert.equal(catalog.canary, undefined, overlay)
      assert.equal(upstreamService(objects, catalog.upstream), 'catalog', overlay)
    }
  })

  test('ab-testing: the flag variant picks recommendations-a (popular) or -b (personalized)', async () => {
    const objects = await rendered('ab-testing')
    const experiment = route(objects, 'recommendations').experiment
    assert.equal(experiment?.flag, FLAG.abExperiment)
    assert.deepEqual(
      Object.entries(experiment?.variants ?? {}).map(([v, upstream]) => [
        v,
        upstreamService(objects, upstream),
      ]),
      [
        ['a', 'recommendations-a'],
        ['b', 'recommendations-b'],
      ],
    )
    for (const [variant, algorithm] of [
      ['a', 'popular'],
      ['b', 'personalized'],
    ]) {
      const { config } = envOf(objects, `recommendations-${variant}`)
      assert.equal(config?.RECOMMENDATIONS_ALGORITHM, algorithm)
      // The live panel on the gateway's page draws shares per service@version: the variant shows there.
      assert.equal(config?.APP_VERSION, variant)
    }
    // Offline flags from the ConfigMap, for every service that evaluates flags, and none for the others.
    for (const name of ['gateway', 'catalog']) {
      assert.equal(envOf(objects, name).config?.FLAGS_FILE, '/etc/zdd/flags/flags.json', name)
      assert.equal(envOf(objects, name).config?.UNLEASH_URL, undefined, `${name} is offline`)
    }
    assert.ok(!envOf(objects, 'recommendations-a').env.has('FLAGS_FILE'))
    const flags = parseFlags(String(dict(find(objects, 'ConfigMap', 'flags')?.data)['flags.json']), 'flags')
    const ab = flags.features.find((f) => f.name === FLAG.abExperiment)
    assert.deepEqual(
      ab?.strategies.flatMap((st) => st.variants ?? []).map((v) => v.name),
      ['a', 'b'],
    )
  })

  test('components/flags-file defines the flags the services use (those of the packaged demo file)', async () => {
    const names = (text: string) =>
      parseFlags(text, 'flags')
        .features.map((f) => f.name)
        .sort()
    const component = names(await readFile(`${K8S}components/flags-file/flags.json`, 'utf8'))
    assert.deepEqual(component, names(await readFile(DEMO_FLAGS_FILE, 'utf8')))
    assert.deepEqual(component, Object.values(FLAG).sort())
  })

  test('every overlay puts the gateway in front: one gateway Service, routes to catalog and both variants', async () => {
    for (const overlay of OVERLAYS) {
      const objects = await rendered(overlay)
      assert.ok(find(objects, 'Service', 'gateway'), `${overlay}: Service/gateway`)
      const services = Object.keys(routeTable(objects).upstreams).map((u) => upstreamService(objects, u))
      for (const backend of ['recommendations-a', 'recommendations-b'])
        assert.ok(services.includes(backend), `${overlay}: the gateway routes to ${backend}`)
      assert.ok(
        services.some((s) => s?.startsWith('catalog')),
        `${overlay}: the gateway routes to catalog`,
      )
    }
  })

  test('minikube: the rolling update with the gateway on a NodePort, local images only', async () => {
    const objects = await rendered('minikube')
    const svc = spec(objects, 'Service', 'gateway')
    assert.equal(svc.type, 'NodePort')
    assert.equal(list(svc.ports)[0]?.nodePort, 30080)
    for (const other of byKind(objects, 'Service').filter((s) => s.metadata?.name !== 'gateway')) {
      assert.equal(dict(other.spec).type, undefined, `${other.metadata?.name} stays in-cluster`)
    }
    for (const pod of podTemplates(objects)) {
      assert.equal(pod.containers[0]?.imagePullPolicy, 'Never', `${pod.owner.metadata?.name}`)
    }
  })

  test('the version label and APP_VERSION follow the image tag in every overlay', async () => {
    for (const overlay of OVERLAYS) {
      const objects = await rendered(overlay)
      for (const pod of podTemplates(objects)) {
        const container = pod.containers[0] ?? {}
        const tag = String(container.image).split(':')[1]
        const name = `${overlay}: ${pod.owner.metadata?.name}`
        assert.equal(pod.labels['app.kubernetes.io/version'], tag, name)
        assert.equal(dict(pod.owner.metadata?.labels)['app.kubernetes.io/version'], tag, name)
        // The A/B targets report their variant instead (base/recommendations-a, -b): the page's live panel.
        const variant = pod.labels['zdd.dev/variant']
        assert.equal(containerConfig(objects, pod, container).config?.APP_VERSION, variant ?? tag, name)
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
    const pod = podTemplates(objects).find((p) => p.owner.metadata?.name === 'catalog')
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
      return byKind(objects, 'Service')
        .filter((svc) => svc.metadata?.name?.startsWith('catalog'))
        .map((svc) => [svc.metadata?.name, dict(dict(svc.spec).selector)['zdd.dev/color']])
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

  test('the canary level is one line: the gateway sends flagged users to catalog-canary', async () => {
    await edit('overlays/canary/kustomization.yaml', '  # - app-level\n', '  - app-level\n')
    for (const overlay of ['canary', 'canary-traefik']) {
      const objects = await rendered(overlay, root)
      assert.deepEqual(await checkManifests(objects), [], overlay)
      const catalog = route(objects, 'catalog')
      assert.equal(upstreamService(objects, catalog.upstream), 'catalog-stable')
      assert.equal(catalog.canary?.flag, FLAG.catalogCanary)
      assert.equal(upstreamService(objects, catalog.canary?.upstream ?? ''), 'catalog-canary')
    }
  })

  test('server mode is one line: Unleash URL and a token from a Secret nobody commits', async () => {
    const file = 'overlays/ab-testing/kustomization.yaml'
    await edit(file, '  # - ../../components/flags-server\n', '  - ../../components/flags-server\n')
    const objects = await rendered('ab-testing', root)
    assert.deepEqual(await checkManifests(objects), [])
    assert.deepEqual(byKind(objects, 'Secret'), [], 'no Secret in the manifests')
    for (const name of ['gateway', 'catalog']) {
      const { config, sources } = envOf(objects, name)
      assert.match(
        String(config?.UNLEASH_URL),
        /^http:\/\/unleash\.unleash\.svc\.cluster\.local:4242\/api\/$/,
      )
      assert.equal(sources.get('UNLEASH_API_TOKEN'), 'secret', name)
      assert.equal(config?.FLAGS_FILE, '/etc/zdd/flags/flags.json', `${name}: bootstrap until the first sync`)
    }
    await edit(file, '  - ../../components/flags-server\n', '  # - ../../components/flags-server\n')
    assert.equal(envOf(await rendered('ab-testing', root), 'gateway').env.has('UNLEASH_URL'), false)
  })
})

// The Unleash the flags-server component points at lives in another folder, written on its own: once it
// renders, its Service must be where UNLEASH_URL says.
const ADDON = `${K8S}addons/unleash`
test('components/flags-server points at the Service of k8s/addons/unleash', {
  skip: existsSync(`${ADDON}/kustomization.yaml`)
    ? false
    : 'k8s/addons/unleash has no kustomization.yaml yet',
}, async () => {
  const component = await readFile(`${K8S}components/flags-server/kustomization.yaml`, 'utf8')
  const url = new URL(/name: UNLEASH_URL\s+value: (\S+)/.exec(component)?.[1] ?? 'http://missing')
  const [name, namespace] = url.hostname.split('.')
  const { objects } = await render(ADDON)
  const svc = objects.find(
    (obj) => obj.kind === 'Service' && obj.metadata?.name === name && obj.metadata?.namespace === namespace,
  )
  assert.ok(
    svc,
    `k8s/addons/unleash renders no Service ${name} in namespace ${namespace} (UNLEASH_URL ${url})`,
  )
  assert.ok(
    list(dict(svc.spec).ports).some((p) => p.port === Number(url.port || 80)),
    `Service ${name} has no port ${url.port}`,
  )
})
