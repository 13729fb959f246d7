// `zdd demo all`: every strategy in turn (short runs), one comparison table, one JSON with every run, and a
// self-contained HTML report whose charts headless Chromium draws (screenshot kept under artifacts/).
import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { test } from 'node:test'
import { pathToFileURL } from 'node:url'
import type { RolloutReport } from '@zdd/rollout'
import { artifactPath, hasChromium, launchBrowser } from '../helpers/browser.ts'
import { readJson, runCli, scratch } from '../helpers/cli.ts'

const STRATEGIES = [
  ...['rolling', 'recreate', 'blue-green', 'canary', 'node-drain'],
  ...['canary-flags', 'ab', 'shadow', 'feature-switch'],
]

test('demo all: one table, every strategy but recreate lossless, an HTML report Chromium draws', async (t) => {
  const dir = await scratch(t)
  const [json, html] = [join(dir, 'all.json'), join(dir, 'all.html')]
  const run = await runCli([
    ...['demo', 'all', '--replicas', '3', '--rps', '200', '--warmup-ms', '500', '--tail-ms', '500'],
    ...['--propagation-delay-ms', '500', '--propagation-jitter-ms', '100', '--step-pause-ms', '1000'],
    ...['--hold-ms', '1000'],
    ...['--json', json, '--html', html],
  ])
  const all = await readJson<{ strategy: string; runs: RolloutReport[] }>(json)
  for (const r of all.runs) {
    t.diagnostic(
      `${r.strategy}: ${r.total} requests, ${r.failed} failed, p99 ${r.latencyMs.p99} ms, change ${r.rolloutMs} ms`,
    )
  }
  assert.equal(run.code, 0, `${run.stdout}\n${run.stderr}`)
  assert.equal(all.strategy, 'all')
  assert.deepEqual(
    all.runs.map((r) => r.strategy),
    STRATEGIES,
  )
  for (const r of all.runs) {
    if (r.strategy === 'recreate') assert.ok(r.failed > 0, 'recreate shows its downtime')
    else assert.equal(r.failed, 0, `${r.strategy}: ${JSON.stringify(r.failures)}`)
    assert.ok(r.timeline.buckets.length > 0, `${r.strategy} has a timeline`)
  }
  // The table: a header and one row per strategy, with the final versions.
  const table = run.stdout.slice(run.stdout.lastIndexOf('strategy  '))
  assert.match(table, /^strategy +requests +failed +p99 ms +change +run +versions at the end/)
  for (const name of STRATEGIES) assert.match(table, new RegExp(`\\n${name} +\\d+ +\\d+`))
  assert.match(table, /\nnode-drain .* v1×3\n/)

  const page = await readFile(html, 'utf8')
  assert.doesNotMatch(page, /<link|\bsrc=|https?:\/\//, 'self-contained: no external resource')
  if (!hasChromium()) return t.skip('no Chromium at CHROMIUM_PATH')
  const { browser, close } = await launchBrowser()
  t.after(close)
  const tab = await browser.newPage({ viewport: { width: 1100, height: 900 } })
  const requests: string[] = []
  const errors: string[] = []
  tab.on('request', (request) => requests.push(request.url()))
  tab.on('pageerror', (err) => errors.push(err.message))
  await tab.goto(pathToFileURL(html).href)
  assert.equal(await tab.locator('svg.chart').count(), STRATEGIES.length)
  // Every chart has drawn areas: path elements with real geometry, visible at a size.
  const drawn = await tab.$$eval('svg.chart', (svgs) =>
    svgs.map((svg) => {
      const paths = [...svg.querySelectorAll('path')]
      const box = svg.getBoundingClientRect()
      return {
        paths: paths.length,
        withData: paths.filter((p) => (p.getAttribute('d') ?? '').length > 10 && p.getBBox().width > 100)
          .length,
        markers: svg.querySelectorAll('.marker').length,
        width: box.width,
      }
    }),
  )
  for (const [i, chart] of drawn.entries()) {
    assert.ok(chart.withData >= 2, `${STRATEGIES[i]}: ${JSON.stringify(chart)}`)
    assert.ok(chart.markers >= 2, `${STRATEGIES[i]}: rollout events marked`)
    assert.ok(chart.width > 500)
  }
  // The app-level runs draw their flag changes: canary-flags each weight, feature-switch the flip and the
  // share of answers with the new behaviour.
  const chartOf = (strategy: string) => tab.locator('svg.chart').nth(STRATEGIES.indexOf(strategy))
  assert.equal(await chartOf('canary-flags').locator('.marker.weight-changed').count(), 4)
  assert.equal(await chartOf('feature-switch').locator('.marker.flag-changed').count(), 1)
  const line = (await chartOf('feature-switch').locator('polyline.marks').boundingBox()) ?? {
    width: 0,
    height: 0,
  }
  assert.ok(line.width > 100 && line.height > 20, `the share line is drawn: ${JSON.stringify(line)}`)
  const chart = tab.locator('svg.chart').first()
  await chart.hover({ position: { x: 500, y: 200 } })
  assert.match((await tab.locator('.readout').first().textContent()) ?? '', /sent \d+\/s/)
  await tab.screenshot({ path: artifactPath('demo-all-report.png'), fullPage: true })
  assert.deepEqual(errors, [])
  assert.deepEqual(
    requests.filter((url) => !url.startsWith('file:')),
    [],
  )
})
