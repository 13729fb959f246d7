import assert from 'node:assert/strict'
import { test } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'
import { FLAG } from '@zdd/flags'
import { DEMO_ROUTE_TABLE, type RouteTable } from '@zdd/routes'
import { artifactPath, hasChromium, launchBrowser } from '../../../test/helpers/browser.ts'
import { flagsFile } from './helpers/flags.ts'
import { E2E, type ServiceProcess, startGateway, startService } from './helpers/gateway.ts'

// Browser-side code, as expressions: this package's type-check knows Node, not the DOM.
const BOTH_VERSIONS_DRAWN = `(() => {
  const drawn = Number(document.querySelector('#live-chart').dataset.drawn)
  const legend = document.querySelector('#live-legend').textContent
  return drawn >= 2 && legend.includes('catalog@1.4.0') && legend.includes('catalog@1.5.0')
})()`
const COLOURS_IN_CHART = `(() => {
  const canvas = document.querySelector('#live-chart')
  const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data
  const colours = new Set()
  for (let i = 0; i < pixels.length; i += 4) if (pixels[i + 3] > 0) colours.add(pixels[i] + ',' + pixels[i + 1] + ',' + pixels[i + 2])
  return colours.size
})()`

const CATALOG = fileURLToPath(import.meta.resolve('@zdd/catalog/main'))
const RECOMMENDATIONS = fileURLToPath(import.meta.resolve('@zdd/recommendations/main'))

test('the web page shows version, pod, variant and flags, and draws the live share per version', {
  ...E2E,
  skip: hasChromium() ? false : 'no Chromium at CHROMIUM_PATH',
}, async (t) => {
  const flags = await flagsFile(t, { canary: 30, ab: { a: 50, b: 50 }, shadow: true })
  const common = { FLAGS_FILE: flags.path, LOG_LEVEL: 'warn' }
  const [catalog, canary, recommendationsA, recommendationsB] = await Promise.all([
    startService(t, CATALOG, { ...common, APP_VERSION: '1.4.0', POD_NAME: 'catalog-v1-0001' }),
    startService(t, CATALOG, { ...common, APP_VERSION: '1.5.0', POD_NAME: 'catalog-canary-0001' }),
    startService(t, RECOMMENDATIONS, { ...common, POD_NAME: 'recommendations-a-0001' }),
    startService(t, RECOMMENDATIONS, {
      ...common,
      POD_NAME: 'recommendations-b-0001',
      RECOMMENDATIONS_ALGORITHM: 'personalized',
    }),
  ])
  const url = (service: ServiceProcess) => `http://127.0.0.1:${service.port}`
  const routes: RouteTable = {
    ...DEMO_ROUTE_TABLE,
    upstreams: {
      catalog: url(catalog),
      'catalog-canary': url(canary),
      'recommendations-a': url(recommendationsA),
      'recommendations-b': url(recommendationsB),
    },
  }
  const gateway = await startGateway(t, { routes, env: common })

  const { browser, close } = await launchBrowser()
  t.after(close)
  const page = await browser.newPage({ viewport: { width: 1200, height: 900 } })
  const problems: string[] = []
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(message.text())
  })
  page.on('pageerror', (err) => problems.push(err.message))
  page.on('requestfailed', (request) =>
    problems.push(`${request.url()} failed: ${request.failure()?.errorText}`),
  )
  page.on('request', (request) => {
    if (!request.url().startsWith(gateway.url)) problems.push(`request outside the gateway: ${request.url()}`)
  })

  await page.goto(`${gateway.url}/`)
  await page.waitForSelector('body[data-loaded="true"]', { timeout: 15_000 })
  assert.match((await page.textContent('#catalog-version')) ?? '', /^1\.[45]\.0$/)
  assert.match(
    (await page.textContent('#catalog-pod')) ?? '',
    /^catalog@1\.[45]\.0 \/ catalog-(v1|canary)-0001$/,
  )
  assert.match((await page.textContent('#catalog-track')) ?? '', /^(stable|canary)$/)
  const variant = await page.textContent('#ab-variant')
  assert.match(variant ?? '', /^[ab]$/)
  assert.match((await page.textContent('#ab-served')) ?? '', new RegExp(`recommendations-${variant}-0001`))
  assert.equal(await page.locator('#recommendations li').count(), 3)
  assert.equal(await page.locator('#products li').count(), 5)
  const flagNames = await page.locator('#flags .flag-name').allTextContents()
  assert.deepEqual(flagNames.sort(), [FLAG.abExperiment, FLAG.catalogCanary, FLAG.shadow].sort())
  assert.match((await page.textContent('#flags')) ?? '', /rollout 30%/)
  assert.match((await page.textContent('#user')) ?? '', /^[\w-]{8,}$/)

  // The live panel sends as many users: with a 30 % canary both versions show up in the chart.
  // Polled from here: the page's CSP (rightly) stops waitForFunction's in-page evaluation of strings.
  const deadline = performance.now() + 15_000
  while (!(await page.evaluate(BOTH_VERSIONS_DRAWN))) {
    assert.ok(performance.now() < deadline, 'the live chart did not show both versions within 15 s')
    await sleep(100)
  }
  const painted = (await page.evaluate(COLOURS_IN_CHART)) as number
  assert.ok(
    painted >= 3,
    `the chart should be drawn in several colours (grid and two versions), saw ${painted}`,
  )
  const screenshot = artifactPath('gateway-page.png')
  await page.screenshot({ path: screenshot, fullPage: true })
  t.diagnostic(`screenshot: ${screenshot}`)
  assert.deepEqual(problems, [], 'no script errors, CSP violations or requests outside the gateway')
})
