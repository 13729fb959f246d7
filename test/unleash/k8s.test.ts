// k8s/addons/unleash, rendered by the pinned kubectl like every overlay and schema-checked, then held to
// what the rest of the repository expects of it: the Service components/flags-server calls, the Secret keys
// its README tells users to create (and no Secret in the manifests), the seeding program and the environment
// it validates, restricted pods. No cluster needed.
import assert from 'node:assert/strict'
import { existsSync, readFileSync } from 'node:fs'
import { test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { SeedEnv, serverSecretProblems } from '@zdd/unleash'
import {
  byKind,
  type Dict,
  dict,
  find,
  formatProblem,
  type K8sObject,
  list,
  str,
} from '../k8s/lib/objects.ts'
import { render } from '../k8s/lib/render.ts'
import { schemaProblems } from '../k8s/lib/schema.ts'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const ADDON = `${ROOT}k8s/addons/unleash`
const { objects, ms } = await render(ADDON)

const podSpec = (obj: K8sObject | undefined): Dict => dict(dict(dict(obj?.spec).template).spec)
const containers = (obj: K8sObject | undefined) => list(podSpec(obj).containers)
const envOf = (container: Dict) => new Map(list(container.env).map((e) => [str(e.name) ?? '', e]))
const workloads = () => objects.filter((o) => ['Deployment', 'StatefulSet', 'Job'].includes(String(o.kind)))

test('k8s/addons/unleash renders, every object valid against its schema, all in namespace unleash', async (t) => {
  t.diagnostic(`${objects.length} objects rendered in ${ms.toFixed(0)} ms`)
  assert.deepEqual((await schemaProblems(objects)).map(formatProblem), [])
  assert.deepEqual(objects.map((o) => `${o.kind}/${o.metadata?.name}`).sort(), [
    'Deployment/unleash',
    'Job/unleash-seed',
    'Namespace/unleash',
    'NetworkPolicy/default-deny',
    'NetworkPolicy/unleash',
    'NetworkPolicy/unleash-postgres',
    'Service/unleash',
    'Service/unleash-postgres',
    'StatefulSet/unleash-postgres',
  ])
  for (const obj of objects.filter((o) => o.kind !== 'Namespace')) {
    assert.equal(obj.metadata?.namespace, 'unleash', `${obj.kind}/${obj.metadata?.name}`)
  }
})

test('the Service is where components/flags-server sends the services, and it selects the Unleash pods', () => {
  const component = readFileSync(`${ROOT}k8s/components/flags-server/kustomization.yaml`, 'utf8')
  const url = new URL(/name: UNLEASH_URL\s+value: (\S+)/.exec(component)?.[1] ?? 'http://missing')
  assert.equal(url.hostname, 'unleash.unleash.svc.cluster.local')
  const svc = find(objects, 'Service', 'unleash')
  const port = list(dict(svc?.spec).ports)[0]
  assert.equal(port?.port, Number(url.port))
  const deployment = find(objects, 'Deployment', 'unleash')
  const labels = dict(dict(dict(deployment?.spec).template).metadata).labels as Dict
  for (const [key, value] of Object.entries(dict(dict(svc?.spec).selector))) assert.equal(labels[key], value)
  const named = list(containers(deployment)[0]?.ports).find((p) => p.name === port?.targetPort)
  assert.equal(named?.containerPort, 4242)
})

test('secrets: none in the manifests; every key used is one the README has users create', () => {
  assert.deepEqual(byKind(objects, 'Secret'), [])
  const readme = readFileSync(`${ADDON}/README.md`, 'utf8')
  const created = new Set([...readme.matchAll(/--from-literal=([a-z-]+)=/g)].map((m) => m[1]))
  const used = new Set<string>()
  for (const obj of workloads()) {
    for (const container of containers(obj)) {
      for (const env of list(container.env)) {
        const ref = dict(dict(env.valueFrom).secretKeyRef)
        if (!ref.name) continue
        assert.equal(ref.name, 'unleash-tokens', `${obj.metadata?.name}: ${env.name}`)
        used.add(String(ref.key))
      }
    }
  }
  assert.deepEqual([...used].sort(), [
    'admin-password',
    'admin-token',
    'backend-token',
    'postgres-password',
    'session-secret',
  ])
  for (const key of used) assert.ok(created.has(key), `README creates ${key}`)
  const env = envOf(containers(find(objects, 'Deployment', 'unleash'))[0] ?? {})
  for (const name of [
    'INIT_ADMIN_API_TOKENS',
    'INIT_BACKEND_API_TOKENS',
    'DATABASE_PASSWORD',
    'UNLEASH_DEFAULT_ADMIN_PASSWORD',
    'UNLEASH_SECRET',
  ]) {
    assert.ok(dict(env.get(name)?.valueFrom).secretKeyRef, `${name} comes from the Secret`)
  }
  // What the server entry checks before it starts (services/unleash/src/secrets.ts): a README value passes.
  const literal = (key: string) =>
    new RegExp(`--from-literal=${key}="\\$\\(openssl rand -hex (\\d+)\\)"`).exec(readme)
  const password = literal('admin-password')
  const secret = literal('session-secret')
  assert.ok(password && secret, 'the README generates both with openssl rand -hex')
  assert.deepEqual(
    serverSecretProblems({
      UNLEASH_DEFAULT_ADMIN_PASSWORD: 'x'.repeat(2 * Number(password[1])),
      UNLEASH_SECRET: 'x'.repeat(2 * Number(secret[1])),
    }),
    [],
  )
})

test('network policies: default deny; Unleash only from the flag-reading pods, the seed Job and admin namespaces; Postgres only from Unleash', () => {
  const policies = byKind(objects, 'NetworkPolicy')
  const deny = find(objects, 'NetworkPolicy', 'default-deny')
  assert.deepEqual(dict(deny?.spec).podSelector, {})
  assert.deepEqual(dict(deny?.spec).policyTypes, ['Ingress'])
  assert.equal(dict(deny?.spec).ingress, undefined, 'default-deny allows nothing')
  const sources = (name: string) =>
    list(dict(find(objects, 'NetworkPolicy', name)?.spec).ingress).flatMap((rule) => list(rule.from))
  assert.deepEqual(sources('unleash'), [
    {
      namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'zdd' } },
      podSelector: { matchLabels: { 'zdd.dev/flags': 'true' } },
    },
    { podSelector: { matchLabels: { 'app.kubernetes.io/name': 'unleash-seed' } } },
    { namespaceSelector: { matchLabels: { 'zdd.dev/unleash-admin': 'true' } } },
  ])
  assert.deepEqual(sources('unleash-postgres'), [
    { podSelector: { matchLabels: { 'app.kubernetes.io/name': 'unleash' } } },
  ])
  // Each policy selects pods that exist: a renamed label would silently open nothing (or everything).
  for (const policy of policies.filter((p) => p.metadata?.name !== 'default-deny')) {
    const selector = dict(dict(dict(policy.spec).podSelector).matchLabels)
    const selected = workloads().filter((w) => {
      const labels = dict(dict(dict(w.spec).template).metadata).labels as Dict
      return Object.entries(selector).every(([k, v]) => labels[k] === v)
    })
    assert.ok(selected.length > 0, `${policy.metadata?.name} selects a workload`)
  }
  // The flag readers in namespace zdd carry the label the policy allows on their pods (not only on the
  // Deployment, which is what components/flags-server selects).
  for (const service of ['gateway', 'catalog']) {
    const manifest = readFileSync(`${ROOT}k8s/base/${service}/deployment.yaml`, 'utf8')
    assert.match(
      manifest,
      /\n {2}template:\n {4}metadata:\n {6}labels:\n(?: {8}.*\n)* {8}zdd\.dev\/flags: "true"\n/,
      service,
    )
  }
})

test('the seed Job runs the packaged seeding program with an environment it accepts, as services/unleash', () => {
  const job = find(objects, 'Job', 'unleash-seed')
  const [container] = containers(job)
  assert.ok(container)
  assert.equal(str(container.image)?.split(':')[0], 'zdd/unleash')
  assert.equal(container.command, undefined, "args, not command: the image's tini stays PID 1")
  const [node, script] = (Array.isArray(container.args) ? container.args : []) as string[]
  assert.equal(node, 'node')
  const manifest = JSON.parse(readFileSync(`${ROOT}services/unleash/package.json`, 'utf8')) as {
    exports: Record<string, unknown>
  }
  assert.ok(Object.values(manifest.exports).includes(`./${script}`), `${script} is exported by @zdd/unleash`)
  assert.ok(existsSync(`${ROOT}services/unleash/${script}`), `${script} is built`)
  const env = envOf(container)
  for (const name of env.keys())
    assert.ok(name in SeedEnv.properties, `${name} is read by the seeding program`)
  assert.equal(env.has('FLAGS_FILE'), false, 'seeds the packaged demo flags, the ones `zdd flags up` seeds')
  const url = new URL(String(env.get('UNLEASH_URL')?.value))
  assert.equal(url.hostname, 'unleash')
  assert.equal(Number(url.port), list(dict(find(objects, 'Service', 'unleash')?.spec).ports)[0]?.port)
  assert.equal(
    find(objects, 'Deployment', 'unleash') && containers(find(objects, 'Deployment', 'unleash'))[0]?.image,
    container.image,
    'one image for server and seeding',
  )
})

test('every pod meets the restricted Pod Security Standard and has resources and probes', () => {
  const namespace = find(objects, 'Namespace', 'unleash')
  assert.equal(dict(namespace?.metadata?.labels)['pod-security.kubernetes.io/enforce'], 'restricted')
  for (const obj of workloads()) {
    const spec = podSpec(obj)
    const name = `${obj.kind}/${obj.metadata?.name}`
    assert.equal(dict(spec.securityContext).runAsNonRoot, true, name)
    assert.equal(dict(dict(spec.securityContext).seccompProfile).type, 'RuntimeDefault', name)
    assert.equal(spec.automountServiceAccountToken, false, name)
    for (const container of list(spec.containers)) {
      const security = dict(container.securityContext)
      assert.equal(security.allowPrivilegeEscalation, false, name)
      assert.equal(security.readOnlyRootFilesystem, true, name)
      assert.deepEqual(dict(security.capabilities).drop, ['ALL'], name)
      assert.ok(dict(dict(container.resources).limits).memory, `${name}: memory limit`)
      assert.ok(dict(dict(container.resources).requests).cpu, `${name}: cpu request`)
      if (obj.kind !== 'Job')
        assert.ok(container.readinessProbe && container.livenessProbe, `${name}: probes`)
    }
  }
})
