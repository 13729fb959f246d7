// The real thing, on this machine: `zdd cluster up` (etcd, kube-apiserver, controller-manager, scheduler,
// kubelet on containerd, kube-proxy, CoreDNS from one pinned release), the images built without Docker,
// the local overlay applied with kubectl under the restricted Pod Security Standard, then rollouts made by
// the real Deployment controller under load: a client that is not ours (wrk) and our open-loop generator
// beside its control, the unprepared variant, which must lose requests in the same conditions. Last,
// `zdd cluster down` must leave nothing behind.
//
// Longer than the ~250 lines the style guide asks: one real cluster for the whole file (bringing it up is
// the slow part), so its proofs share it.
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, test } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { layout, NETWORK, NODES } from '@zdd/cluster'
import type { RolloutReport, RolloutState } from '@zdd/rollout'
import type { VerifyReport } from '@zdd/verify'
import { runCli, startCli } from '../helpers/cli.ts'
import { kubectl, readJson, requireNode, zdd } from './lib.ts'

const ROOT = new URL('../..', import.meta.url).pathname
const scratch = mkdtempSync(join(tmpdir(), 'zdd-cluster-test-'))
let ran = false

before(() => {
  ran = process.getuid?.() === 0
})

after(async () => {
  if (ran) await zdd(['cluster', 'down']).catch((err) => console.error(err))
  rmSync(scratch, { recursive: true, force: true })
})

test('zdd cluster up --nodes 2: two Ready nodes, cluster DNS answers; env prints the exports', async (t) => {
  if (!requireNode(t)) return
  const up = await zdd(['cluster', 'up', '--nodes', '2'])
  assert.match(up.stderr, /cluster up in \d+ s: nodes zdd-node, zdd-node-2 Ready, cluster DNS answers/)
  const again = await zdd(['cluster', 'up'])
  assert.match(
    again.stderr,
    /kube-apiserver: ready \(already running/,
    'a second up leaves running components alone',
  )
  const status = await zdd(['cluster', 'status'])
  assert.match(status.stdout, /node zdd-node\s+Ready/)
  assert.match(status.stdout, /node zdd-node-2\s+Ready/)
  const env = await zdd(['cluster', 'env'])
  assert.match(env.stdout, new RegExp(`export KUBECONFIG=${layout().kubeconfig}`))
  assert.match(env.stdout, /export ZDD_GATEWAY_URL=http:\/\/127\.0\.0\.1:30080/)
  const version = await kubectl(['version', '-o', 'json'])
  assert.equal(JSON.parse(version.stdout).serverVersion.gitVersion, 'v1.34.4')
})

test('zdd cluster images, then kubectl apply -k k8s/overlays/local: rolled out, the gateway answers from the host', async (t) => {
  if (!requireNode(t)) return
  const images = await zdd(['cluster', 'images'])
  for (const service of ['catalog', 'gateway', 'recommendations']) {
    assert.match(
      images.stderr,
      new RegExp(`${service}: docker.io/zdd/${service}:v1, docker.io/zdd/${service}:v2 built and loaded`),
    )
  }
  const apply = await kubectl(['apply', '-k', join(ROOT, 'k8s/overlays/local')])
  assert.equal(apply.code, 0, apply.stderr)
  const ns = await kubectl([
    'get',
    'namespace',
    'zdd',
    '-o',
    'jsonpath={.metadata.labels.pod-security\\.kubernetes\\.io/enforce}',
  ])
  assert.equal(ns.stdout, 'restricted')
  for (const deployment of ['catalog', 'gateway', 'recommendations-a', 'recommendations-b']) {
    const status = await kubectl([
      '-n',
      'zdd',
      'rollout',
      'status',
      `deployment/${deployment}`,
      '--timeout=300s',
    ])
    assert.equal(status.code, 0, status.stderr)
  }
  const response = await fetch(`http://127.0.0.1:${NETWORK.gatewayNodePort}/api/catalog/products`)
  assert.equal(response.status, 200)
  assert.match(response.headers.get('x-served-by') ?? '', /^catalog@v1\/catalog-/)
  assert.match(response.headers.get('x-zdd-gateway') ?? '', /^gateway@v1\/gateway-/)
})

test('every overlay and addon passes kubectl apply --dry-run=server under restricted Pod Security; broken ones are refused', async (t) => {
  if (!requireNode(t)) return
  const warned = /would violate PodSecurity "restricted/
  const dirs = [
    ...readdirSync(join(ROOT, 'k8s/overlays')).map((name) => `k8s/overlays/${name}`),
    ...readdirSync(join(ROOT, 'k8s/addons'))
      .filter((name) => existsSync(join(ROOT, 'k8s/addons', name, 'kustomization.yaml')))
      .map((name) => `k8s/addons/${name}`),
  ]
  assert.ok(dirs.length >= 11, dirs.join(', '))
  // A dry run creates nothing, so namespaced objects need their namespace to exist: the addons' own.
  assert.equal((await kubectl(['apply', '-f', join(ROOT, 'k8s/addons/unleash/namespace.yaml')])).code, 0)
  for (const dir of dirs) {
    const dry = await kubectl(['apply', '-k', join(ROOT, dir), '--dry-run=server'])
    assert.equal(dry.code, 0, `${dir}: ${dry.stderr}`)
    assert.doesNotMatch(dry.stderr, warned, `${dir} would violate the restricted standard`)
  }
  const fixture = (name: string) => join(ROOT, 'test/k8s/fixtures/broken', name)
  // Controls: the same server refuses a typo (strict field validation) and warns about a pod template the
  // restricted standard forbids, and its admission refuses such a pod outright.
  const typo = await kubectl(['apply', '-k', fixture('typo-image-pull-policy'), '--dry-run=server'])
  assert.notEqual(typo.code, 0)
  assert.match(typo.stderr, /unknown field/)
  for (const name of ['host-network', 'root-container', 'capabilities-added', 'seccomp-unconfined']) {
    const dry = await kubectl(['apply', '-k', fixture(name), '--dry-run=server'])
    assert.match(dry.stderr, warned, `${name}: ${dry.stderr}`)
  }
  const pod = await kubectl([
    '-n',
    'zdd',
    'run',
    'host-net',
    '--image=docker.io/zdd/catalog:v1',
    '--image-pull-policy=Never',
    '--overrides={"spec":{"hostNetwork":true}}',
    '--dry-run=server',
  ])
  assert.notEqual(pod.code, 0)
  assert.match(pod.stderr, /forbidden: violates PodSecurity "restricted/)
})

test('a client that is not ours (wrk): kubectl rollout restart of catalog and of the gateway loses nothing', async (t) => {
  if (!requireNode(t)) return
  const wrk = spawn('wrk', [
    '-t2',
    '-c16',
    '-d75s',
    `http://127.0.0.1:${NETWORK.gatewayNodePort}/api/catalog/products`,
  ])
  let out = ''
  wrk.stdout.on('data', (c) => {
    out += c
  })
  const done = new Promise<void>((resolve) => wrk.on('close', () => resolve()))
  for (const deployment of ['catalog', 'gateway']) {
    assert.equal((await kubectl(['-n', 'zdd', 'rollout', 'restart', `deployment/${deployment}`])).code, 0)
    const status = await kubectl([
      '-n',
      'zdd',
      'rollout',
      'status',
      `deployment/${deployment}`,
      '--timeout=300s',
    ])
    assert.equal(status.code, 0, status.stderr)
  }
  await done
  t.diagnostic(out)
  const requests = Number(/(\d+) requests in/.exec(out)?.[1])
  assert.ok(requests > 1_000, `wrk sent ${requests} requests`)
  assert.doesNotMatch(out, /Non-2xx or 3xx responses/)
  assert.doesNotMatch(out, /Socket errors/)
})

test('zdd demo rolling --cluster: 0 failed; the unprepared control under the same load loses requests', async (t) => {
  if (!requireNode(t)) return
  // The gateway is rolled twice: each restart replaces both of its pods, and only new connections that meet
  // a dying pod before kube-proxy drops it can be refused (about a tenth of a second here).
  const common = ['--roll', 'catalog,gateway,gateway', '--rps', '300', '--connections', '32']
  const preparedJson = join(scratch, 'prepared.json')
  const prepared = await zdd(['demo', 'rolling', '--cluster', ...common, '--json', preparedJson])
  const report = readJson<RolloutReport>(preparedJson)
  t.diagnostic(prepared.stdout)
  assert.equal(report.parameters.backend, 'cluster')
  assert.ok(report.phases.during.total > 5_000, `${report.phases.during.total} requests during the rollouts`)
  assert.equal(report.failed, 0, JSON.stringify(report.failures))
  assert.ok(
    report.events.filter((e) => e.type === 'pod-terminating').length >= 7,
    'every old pod was replaced',
  )

  const controlJson = join(scratch, 'control.json')
  const control = await runControl([
    'demo',
    'rolling',
    '--cluster',
    ...common,
    '--unprepared',
    '--json',
    controlJson,
  ])
  t.diagnostic(control)
  const lost = readJson<RolloutReport>(controlJson)
  assert.ok(lost.failed > 0, 'the unprepared variant loses requests on the real cluster')
  assert.equal(lost.phases.before.failed, 0, 'nothing is lost before the rollout starts')
})

test('zdd verify --cluster catalog through a NodePort: every request counted and judged; the unprepared control fails check 3', async (t) => {
  if (!requireNode(t)) return
  // This cluster keeps ClusterIPs unreachable from the host (blackhole routes): a NodePort Service beside the
  // catalog's, same pods, served by kube-proxy on 127.0.0.1 with the same rules for new connections.
  const expose = await kubectl([
    ...['-n', 'zdd', 'expose', 'deployment/catalog', '--name', 'catalog-verify', '--type', 'NodePort'],
    ...['--port', '80', '--target-port', 'http'],
  ])
  assert.equal(expose.code, 0, expose.stderr)
  t.after(() => kubectl(['-n', 'zdd', 'delete', 'service', 'catalog-verify', '--ignore-not-found']))
  const args = [
    ...['verify', '--cluster', 'catalog', '--namespace', 'zdd', '--service', 'catalog-verify'],
    ...['--path', '/products', '--rps', '300'],
  ]
  const lostOf = (report: VerifyReport) => {
    const figure = report.checks.find((c) => c.n === 3)?.figure ?? ''
    return [
      Number(/^(\d+) of (\d+) failed/.exec(figure)?.[1]),
      Number(/^\d+ of (\d+) failed/.exec(figure)?.[1]),
    ]
  }

  // The prepared catalog, straight through kube-proxy (no gateway retrying in front): nothing lost. (Losses
  // here in earlier CI runs, 6-75 per run as ECONNREFUSED and timeouts, came from the test before this one:
  // its unprepared control's pods were still leaving when this rollout began. verify now waits for the
  // Deployment to be at rest, and the demo waits for its own restore.)
  const preparedJson = join(scratch, 'verify-prepared.json')
  const prepared = await runCli([...args, '--json', preparedJson], 900_000)
  t.diagnostic(prepared.stdout)
  const report = readJson<VerifyReport>(preparedJson)
  assert.equal(report.checks.find((c) => c.n === 1)?.status, 'pass', 'the rollout completed')
  const [preparedLost, preparedTotal] = lostOf(report)
  assert.ok((preparedTotal ?? 0) > 1_000, `${preparedTotal} requests counted during the rollout`)
  assert.equal(preparedLost, 0, prepared.stdout)
  assert.equal(report.checks.find((c) => c.n === 3)?.status, 'pass')
  assert.equal(prepared.code, 0)

  // The control: the same Deployment with pods that close at SIGTERM.
  const setMode = async (mode: string) => {
    assert.equal((await kubectl(['-n', 'zdd', 'set', 'env', 'deployment/catalog', mode])).code, 0)
    const status = await kubectl(['-n', 'zdd', 'rollout', 'status', 'deployment/catalog', '--timeout=300s'])
    assert.equal(status.code, 0, status.stderr)
  }
  await setMode('SHUTDOWN_MODE=unprepared')
  try {
    const control = await runCli(args, 900_000)
    t.diagnostic(control.stdout)
    assert.equal(control.code, 3, `${control.stdout}\n${control.stderr}`)
    assert.match(control.stdout, /FAIL {2}3\. no request lost under keep-alive load across the rollout/)
  } finally {
    await setMode('SHUTDOWN_MODE-')
  }
})

// Issue 17's "a drain that needs no tuning" on the real cluster: the same rollouts as the prepared run
// above, with every SHUTDOWN_* variable removed, so each pod uses @zdd/lifecycle's defaults (no delay floor,
// serve until 1 s without a new connection). The reference is that prepared run, with the drain component's
// 5 s floor: the defaults must lose nothing too, and their pods must be gone sooner.
test('zdd demo rolling --cluster --lifecycle-defaults: no SHUTDOWN_* variable, 0 failed, each pod gone sooner than with the 5 s floor', async (t) => {
  if (!requireNode(t)) return
  const preparedJson = join(scratch, 'prepared.json')
  assert.ok(existsSync(preparedJson), 'the prepared rolling run above wrote its report (the reference)')
  const json = join(scratch, 'lifecycle-defaults.json')
  const run = await zdd([
    ...['demo', 'rolling', '--cluster', '--lifecycle-defaults'],
    ...['--roll', 'catalog,gateway,gateway', '--rps', '300', '--connections', '32', '--json', json],
  ])
  t.diagnostic(run.stdout)
  const report = readJson<RolloutReport>(json)
  assert.match(String(report.parameters.shutdown), /no SHUTDOWN_\* variable/)
  // The env ConfigMaps the Deployments use now (older generated ones stay beside them until pruned).
  const list = await kubectl(['-n', 'zdd', 'get', 'deployments', '-o', 'json'])
  type Spec = {
    spec: { template: { spec: { containers: { envFrom?: { configMapRef?: { name: string } }[] }[] } } }
  }
  const used = (JSON.parse(list.stdout) as { items: Spec[] }).items.flatMap((d) =>
    d.spec.template.spec.containers.flatMap((c) =>
      (c.envFrom ?? []).flatMap((e) => e.configMapRef?.name ?? []),
    ),
  )
  assert.ok(used.length >= 4, `the env ConfigMaps of the four services: ${used.join(', ')}`)
  for (const name of used) {
    const map = await kubectl(['-n', 'zdd', 'get', 'configmap', name, '-o', 'json'])
    const data = (JSON.parse(map.stdout) as { data: Record<string, string> }).data
    assert.deepEqual(
      Object.keys(data).filter((k) => k.startsWith('SHUTDOWN_')),
      [],
      name,
    )
  }
  assert.ok(report.phases.during.total > 5_000, `${report.phases.during.total} requests during the rollouts`)
  assert.equal(report.failed, 0, JSON.stringify(report.failures))

  // Deletion → the container's exit, as the kubelet reported it: every pod of the rollouts exited 0 by
  // itself, and the median is below the prepared run's, whose pods waited out the 5 s floor.
  const median = (r: RolloutReport) => {
    const sorted = r.terminations.map((x) => x.durationMs).sort((a, b) => a - b)
    return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN
  }
  const reference = readJson<RolloutReport>(preparedJson)
  assert.ok(report.terminations.length >= 7, `${report.terminations.length} pods ended`)
  assert.ok(
    report.terminations.every((x) => x.exitCode === 0 && !x.sigkill),
    JSON.stringify(report.terminations),
  )
  t.diagnostic(
    `deletion → exit, median: defaults ${median(report)} ms, drain component ${median(reference)} ms`,
  )
  assert.ok(median(report) < median(reference), `${median(report)} ms vs ${median(reference)} ms`)
})

for (const strategy of ['blue-green', 'canary', 'node-drain']) {
  test(`zdd demo ${strategy} --cluster: 0 failed under load`, async (t) => {
    if (!requireNode(t)) return
    const json = join(scratch, `${strategy}.json`)
    // blue-green also with --prometheus: a Prometheus on the machine scrapes the pods during the run.
    const extra = strategy === 'blue-green' ? ['--prometheus'] : []
    const run = await zdd(['demo', strategy, '--cluster', ...extra, '--json', json])
    t.diagnostic(run.stdout)
    const report = readJson<RolloutReport>(json)
    assert.equal(report.failed, 0, JSON.stringify(report.failures))
    if (strategy === 'blue-green') {
      assert.match(report.prometheus ?? '', /^http:\/\/127\.0\.0\.1:\d+$/)
      assert.match(run.stdout, /metrics +prometheus at http:\/\/127\.0\.0\.1:\d+ scraped every pod/)
    } else assert.equal(report.prometheus, undefined, 'no Prometheus without --prometheus')
    assert.ok(report.phases.during.total > 1_000, `${report.phases.during.total} requests during the change`)
    if (strategy !== 'node-drain') assert.ok((report.versions.v2 ?? 0) > 0, 'v2 served requests')
    // The same plans as the model's runs (@zdd/rollout plans/), so the same report details.
    if (strategy === 'blue-green') {
      assert.ok(report.events.some((e) => e.type === 'selector-switched'))
      assert.equal(report.blueGreen?.active, 'green')
    }
    if (strategy === 'canary') {
      assert.deepEqual(
        report.canary?.steps.map((s) => [s.step, s.canaryReplicas, s.stableReplicas, s.failed]),
        [
          ['1 of 3', 1, 2, 0],
          ['2 of 3', 2, 1, 0],
          ['all', 0, 3, 0],
        ],
      )
      assert.equal(report.canary?.promoted, true)
    }
    if (strategy === 'node-drain') {
      assert.equal(report.drain?.complete, true, 'the drain completed: every pod moved to the other node')
      assert.ok((report.drain?.evicted.length ?? 0) >= 2)
    }
  })
}

test('zdd demo progressive --cluster: judged by a real Prometheus, a good canary promoted, a bad one aborted', async (t) => {
  if (!requireNode(t)) return
  for (const build of ['good', 'bad'] as const) {
    const json = join(scratch, `progressive-${build}.json`)
    const run = await runCli(['demo', 'progressive', '--cluster', '--canary', build, '--json', json], 900_000)
    t.diagnostic(run.stdout)
    const report = readJson<RolloutReport>(json)
    const p = report.progressive
    assert.ok(p, 'the report has the progressive section')
    assert.equal(p.source, 'prometheus')
    assert.equal(p.lostToShifts, 0, `${build}: nothing lost to the traffic shifts`)
    const catalog = report.finalPods.filter((pod) => pod.name.startsWith('catalog-'))
    if (build === 'good') {
      assert.equal(run.code, 0, run.stderr)
      assert.equal(p.outcome, 'promoted')
      assert.equal(report.failed, 0)
      for (const step of p.steps) {
        const last = step.analyses.at(-1)
        assert.equal(last?.outcome, 'pass')
        assert.ok(last && last.canary.requests >= last.minRequests, 'passed on enough requests')
      }
      assert.ok(catalog.every((pod) => pod.version === 'v2'))
    } else {
      assert.equal(run.code, 4, run.stderr)
      assert.equal(p.outcome, 'aborted')
      const failing = p.steps[0]?.analyses.at(-1)
      assert.equal(failing?.outcome, 'fail')
      assert.ok((failing?.canary.errors ?? 0) > 0 && failing?.stable.errors === 0)
      assert.equal(p.canaryFailures, report.failed, "every failure was the bad canary's own 500")
      assert.ok(
        catalog.every((pod) => pod.version === 'v1'),
        'the stable alone, at full size',
      )
      const env = await kubectl(['-n', 'zdd', 'get', 'deployment', 'catalog-canary', '-o', 'json'])
      assert.doesNotMatch(env.stdout, /CATALOG_ERROR_PERCENT/, 'the bad build is undone afterwards')
    }
  }
})

// The weighted mechanisms of issue 16 on the real cluster. traefik / httproute: a Traefik on this machine
// (built from its Go module, watching the API server like kube-proxy) in front of
// k8s/overlays/canary-traefik or canary-gateway-api, the load through it, the plan patching the
// TraefikService's or the HTTPRoute's weights. gateway: the canary overlay with its app-level and
// flags-file components, the plan setting the catalog-canary flag in the flags ConfigMap. Either way the
// canary's share is the weight whatever its pod count: each step's share of requests, as Prometheus
// counted them, is checked against the weight.
const WEIGHTED = {
  traefik: { mechanism: /^Traefik weights/, overlay: 'canary-traefik' },
  httproute: { mechanism: /^Gateway API HTTPRoute weights/, overlay: 'canary-gateway-api' },
  gateway: { mechanism: /^gateway flag catalog-canary/, overlay: 'canary' },
} as const

test('zdd demo progressive --cluster --shift traefik|httproute|gateway: weights promote a good canary, HTTPRoute weights abort a bad one', async (t) => {
  if (!requireNode(t)) return
  for (const [shift, build] of [
    ['traefik', 'good'],
    ['httproute', 'bad'],
    ['gateway', 'good'],
  ] as const) {
    const json = join(scratch, `progressive-${shift}.json`)
    const run = await runCli(
      ['demo', 'progressive', '--cluster', '--shift', shift, '--canary', build, '--json', json],
      1_800_000,
    )
    t.diagnostic(run.stdout)
    const report = readJson<RolloutReport>(json)
    const p = report.progressive
    assert.ok(p, `${shift}: the report has the progressive section`)
    assert.match(p.mechanism, WEIGHTED[shift].mechanism)
    assert.equal(String(report.parameters.overlay), `k8s/overlays/${WEIGHTED[shift].overlay}`)
    assert.equal(p.lostToShifts, 0, `${shift}: nothing lost to the traffic shifts`)
    assert.ok(
      report.events.some((e) => e.type === 'weight-changed' && /canary 0% → 20%/.test(e.detail ?? '')),
      'the first step raised the weight',
    )
    const catalog = report.finalPods.filter((pod) => pod.name.startsWith('catalog-'))
    if (build === 'good') {
      assert.equal(run.code, 0, run.stderr)
      assert.equal(p.outcome, 'promoted')
      assert.equal(report.failed, 0)
      for (const step of p.steps) {
        const last = step.analyses.at(-1)
        assert.equal(last?.outcome, 'pass')
        const share =
          (100 * (last?.canary.requests ?? 0)) / ((last?.canary.requests ?? 0) + (last?.stable.requests ?? 1))
        // Per request: the share is the weight within a few points (binomial noise over hundreds of requests).
        assert.ok(
          Math.abs(share - step.weightPercent) < 8,
          `step ${step.weightPercent}%: canary share ${share}%`,
        )
      }
      assert.ok(catalog.every((pod) => pod.version === 'v2'))
    } else {
      assert.equal(run.code, 4, run.stderr)
      assert.equal(p.outcome, 'aborted')
      assert.equal(p.steps[0]?.analyses.at(-1)?.outcome, 'fail')
      assert.equal(p.canaryFailures, report.failed, "every failure was the bad canary's own 500")
      const back = report.events.findIndex((e) => e.type === 'weight-changed' && /→ 0%$/.test(e.detail ?? ''))
      const aborted = report.events.findIndex((e) => e.type === 'rollout-aborted')
      assert.ok(aborted >= 0 && back > aborted, 'the abort set the weight back to 0')
      assert.ok(catalog.every((pod) => pod.version === 'v1'))
    }
  }
})

test('zdd canary --cluster: an idle canary pauses; a second process reads its state from the annotations and aborts it', async (t) => {
  if (!requireNode(t)) return
  const json = join(scratch, 'progressive-idle.json')
  const demo = startCli(t, [
    'demo',
    'progressive',
    '--cluster',
    '--canary',
    'idle',
    '--step-timeout-ms',
    '6000',
    '--hold-paused-ms',
    '600000',
    '--json',
    json,
  ])
  const alive = (pid: number) => {
    try {
      process.kill(pid, 0)
      return true
    } catch {
      return false
    }
  }
  let state: RolloutState | undefined
  // An earlier rollout's last word stays on the Deployment: wait for this one's (its process is alive).
  while (!(state?.phase === 'paused' && alive(state.pid))) {
    await sleep(1000)
    const status = await runCli(['canary', 'status', '--cluster', '--json'], 60_000)
    state = status.code === 0 ? (JSON.parse(status.stdout) as RolloutState) : undefined
  }
  assert.equal(state.step, 1)
  assert.match(state.reason ?? '', /^step 1 stayed inconclusive for 6000 ms: 0 canary requests/)
  const annotation = await kubectl([
    '-n',
    'zdd',
    'get',
    'deployment',
    'catalog-canary',
    '-o',
    'jsonpath={.metadata.annotations.zdd\\.dev/rollout-state}',
  ])
  assert.equal(JSON.parse(annotation.stdout).phase, 'paused', 'kubectl shows the same state')
  const abort = await runCli(['canary', 'abort', '--cluster'], 120_000)
  assert.equal(abort.code, 0, abort.stderr)
  assert.match(abort.stdout, /^abort: taken after \d+ ms; now aborted/)
  assert.equal(await new Promise((resolve) => demo.child.once('exit', resolve)), 4, demo.output())
  const report = readJson<RolloutReport>(json)
  const looks = report.progressive?.steps[0]?.analyses ?? []
  assert.ok(looks.length > 0 && looks.every((a) => a.outcome === 'inconclusive' && a.canary.requests === 0))
  assert.ok((looks.at(-1)?.stable.requests ?? 0) > 0, 'the same queries measured the stable (the control)')
  assert.equal(report.progressive?.outcome, 'aborted')
  assert.equal(report.failed, 0)
  const selector = await kubectl([
    '-n',
    'zdd',
    'get',
    'service',
    'catalog',
    '-o',
    'jsonpath={.spec.selector}',
  ])
  assert.doesNotMatch(selector.stdout, /track/, 'the Service selects both tracks again')
})

test('zdd demo upgrade --cluster: control plane restarted, each node drained and its kubelet restarted, 0 failed', async (t) => {
  if (!requireNode(t)) return
  const json = join(scratch, 'upgrade.json')
  const run = await zdd(['demo', 'upgrade', '--cluster', '--json', json])
  t.diagnostic(run.stdout)
  const report = readJson<RolloutReport & { upgrade: Array<{ step: string; sent: number; failed: number }> }>(
    json,
  )
  assert.deepEqual(
    report.upgrade.map((s) => s.step),
    [
      'restart kube-apiserver',
      'restart kube-controller-manager',
      'restart kube-scheduler',
      ...['zdd-node', 'zdd-node-2'].flatMap((n) => [
        `kubectl drain ${n}`,
        `restart ${n}'s kubelet`,
        `kubectl uncordon ${n}`,
      ]),
    ],
  )
  assert.equal(report.failed, 0, JSON.stringify(report.upgrade))
  assert.ok(
    report.upgrade.every((s) => s.sent > 0),
    'load ran through every step',
  )
})

test('zdd cluster down leaves no process, mount, iptables chain, route or network device', async (t) => {
  if (!requireNode(t)) return
  const down = await zdd(['cluster', 'down'])
  assert.match(down.stderr, /nothing of the cluster is left running/)
  const processes = await sh(
    "ps -eo stat=,args= | grep -E 'zdd-k8s|zdd-dns|containerd|/pause' | grep -v grep | grep -v '^Z' || true",
  )
  assert.equal(processes.trim(), '')
  const mounts = readFileSync('/proc/self/mountinfo', 'utf8')
  assert.ok(!mounts.includes(layout().root), 'no mount under the cluster folder')
  assert.ok(!/\/run\/netns\/cni-/.test(mounts), 'no pod network namespace')
  assert.doesNotMatch(await sh('iptables-save; ip6tables-save'), /KUBE-|CNI-|ZDD-/)
  assert.doesNotMatch(
    await sh('ip -br link'),
    new RegExp(`${NETWORK.nodeDevice}|${NODES.map((n) => n.bridge).join('|')}|veth`),
  )
  assert.doesNotMatch(await sh('ip route show type blackhole'), /10\.244|10\.96/)
  assert.ok(!existsSync('/sys/fs/cgroup/memory/kubepods'), 'no pod cgroup')
  assert.ok(!existsSync('/sys/fs/cgroup/memory/zdd-node-2'), 'no cgroup root of the second node')
})

async function runControl(args: string[]): Promise<string> {
  const { runCli } = await import('../helpers/cli.ts')
  const run = await runCli(args, 1_800_000)
  assert.equal(run.code, 3, `the control exits 3 (requests lost)\n${run.stdout}\n${run.stderr}`)
  return run.stdout
}

function sh(command: string): Promise<string> {
  return new Promise((resolve) => {
    const child = spawn('sh', ['-c', command])
    let out = ''
    child.stdout.on('data', (c) => {
      out += c
    })
    child.on('close', () => resolve(out))
  })
}
