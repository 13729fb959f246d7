// Issue 16: "the demos start it on request (--prometheus) and show its address". Any harness demo with
// --prometheus runs a real Prometheus beside its pods: while the demo runs, that Prometheus has every pod
// as a target and counts the catalog's requests per version; the address is printed and in the report.
// The control is the same demo without the flag: no Prometheus, no address.
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { test } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { instantQuery } from '@zdd/prometheus'
import type { RolloutReport } from '@zdd/rollout'
import { readJson, runCli, scratch, startCli, waitForOutput } from '../helpers/cli.ts'

const ADDRESS = /Prometheus at (http:\/\/127\.0\.0\.1:\d+) scrapes every pod's \/metrics/

test('zdd demo rolling --prometheus: a real Prometheus counts the run per version; without the flag none runs', async (t) => {
  const dir = await scratch(t)
  const file = join(dir, 'report.json')
  // A long warm-up leaves time to query it while the pods run.
  const cli = startCli(t, ['demo', 'rolling', '--prometheus', '--warmup-ms', '8000', '--json', file])
  await waitForOutput(cli, ADDRESS, 60_000)
  const url = ADDRESS.exec(cli.output())?.[1] ?? ''
  let counted = 0
  while (counted === 0 && cli.child.exitCode === null) {
    const series = await instantQuery(url, 'sum by (version) (http_requests_total{service="catalog"})').catch(
      () => [],
    )
    counted = series.reduce((sum, s) => sum + s.value, 0)
    if (counted === 0) await sleep(250)
  }
  assert.ok(counted > 0, `Prometheus counted the catalog's requests while the demo ran\n${cli.output()}`)
  const code = await new Promise((resolve) => cli.child.once('exit', resolve))
  assert.equal(code, 0, cli.output())
  const report = await readJson<RolloutReport>(file)
  assert.equal(report.prometheus, url)
  assert.equal(report.parameters.prometheus, true)
  assert.match(cli.output(), /metrics +prometheus at http:\/\/127\.0\.0\.1:\d+ scraped every pod's \/metrics/)

  const plain = await runCli(['demo', 'rolling', '--json', join(dir, 'plain.json')])
  assert.equal(plain.code, 0, plain.stderr)
  assert.doesNotMatch(plain.stdout + plain.stderr, ADDRESS)
  assert.equal((await readJson<RolloutReport>(join(dir, 'plain.json'))).prometheus, undefined)
})
