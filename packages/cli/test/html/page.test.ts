// The HTML report is self-contained (inline SVG, inline script, no external resource), escapes what it
// shows, draws an area per version and marks the rollout's events; the comparison table lists every run.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { comparison } from '../../src/demo/all.ts'
import { htmlReport } from '../../src/html/page.ts'
import { summary } from '../../src/summary.ts'
import { canaryReport } from '../fixture.ts'

test('one run: chart paths with data, event markers, escaped text, nothing external', () => {
  const html = htmlReport([canaryReport()])
  assert.doesNotMatch(html, /<link|\bsrc=|https?:\/\//)
  assert.doesNotMatch(html, /<script>alert/, 'event details are escaped')
  const svg = html.slice(html.indexOf('<svg'), html.indexOf('</svg>'))
  const paths = [...svg.matchAll(/<path [^>]*d="([^"]*)"/g)].map((m) => m[1] ?? '')
  assert.equal(paths.length, 6, 'rate and share areas for v1, v2 and failed')
  for (const d of paths) assert.match(d, /^M[\d.]+,[\d.]+(L[\d.]+,[\d.]+)+Z$/)
  for (const label of ['change starts', 'step 1 of 4', 'change complete'])
    assert.ok(svg.includes(label), label)
  assert.match(html, /<script type="application\/json" id="run-0-data">\{"bucketMs":250/)
  assert.match(html, /LOST 2 of 600/)
})

test('several runs: a comparison table first; the text table for the terminal', () => {
  const runs = [canaryReport(), canaryReport({ strategy: 'node-drain', failed: 0, aborted: 'why not' })]
  const html = htmlReport(runs)
  assert.equal(html.match(/<svg /g)?.length, 2)
  assert.match(html, /<td>node-drain \(aborted\)<\/td><td>600<\/td><td>0<\/td>/)
  const table = comparison(runs).split('\n')
  assert.match(table[0] ?? '', /^strategy +requests +failed +p99 ms +change +run +versions at the end$/)
  assert.match(table[2] ?? '', /^canary +600 +2 \(0\.3%\) +5 +2\.0 s +4\.0 s +v2×1$/)
  assert.ok(
    table.every((line) => !line.endsWith(' ')),
    'no trailing blanks',
  )
})

test('the summary shows the canary steps and what was lost by version', () => {
  const text = summary(canaryReport())
  assert.match(text, /steps {5}1 of 4 +share v1 76% v2 24% +0\/200 failed \(0%\)/)
  assert.match(text, /promoted: the stable rolled to the new version/)
  assert.match(text, /failed by version of the pod reached: v1 2/)
  assert.match(text, /LOST 2 of 600 requests/)
})
