import type { RolloutReport } from '@zdd/rollout'
import { summary } from '../summary.ts'
import { chartSvg, MARK_COLOUR, versionsOf } from './chart.ts'
import { escapeHtml, FAILED_COLOUR, versionColour } from './svg.ts'

const STYLE = `
body { font: 14px/1.45 system-ui, sans-serif; margin: 24px auto; max-width: 1020px; color: #111827; }
h1 { font-size: 22px; } h2 { font-size: 18px; margin-top: 36px; border-top: 1px solid #e5e7eb; padding-top: 16px; }
.verdict { display: inline-block; padding: 2px 10px; border-radius: 4px; font-weight: 600; color: #fff; }
.ok { background: #16a34a; } .lost { background: ${FAILED_COLOUR}; } .aborted { background: #ca8a04; }
table { border-collapse: collapse; margin: 8px 0; } td, th { padding: 3px 10px; border-bottom: 1px solid #e5e7eb; text-align: right; }
td:first-child, th:first-child, td:last-child, th:last-child { text-align: left; }
pre { background: #f9fafb; padding: 10px; overflow-x: auto; font-size: 12px; }
.legend span { margin-right: 14px; } .legend i { display: inline-block; width: 12px; height: 12px; margin-right: 4px; vertical-align: -1px; }
svg.chart { display: block; font-size: 11px; } svg text { fill: #374151; }
svg .grid { stroke: #e5e7eb; } svg .axis { stroke: #6b7280; } svg .frame { fill: none; stroke: #e5e7eb; }
svg .marker line { stroke: #111827; stroke-dasharray: 3 3; } svg .marker text { font-size: 10px; }
svg .marker.rollout-aborted line, svg .marker.eviction-refused line { stroke: ${FAILED_COLOUR}; }
svg .marker.weight-changed line, svg .marker.flag-changed line { stroke: #7c3aed; stroke-dasharray: none; }
svg .tick { stroke-width: 2; } svg .cursor { stroke: #111827; stroke-opacity: 0.4; }
svg .caption { font-size: 11px; fill: #6b7280; }
.readout { min-height: 1.4em; font-family: ui-monospace, monospace; font-size: 12px; }
`

/** Hover readout: the bucket under the pointer, its rate per version and its failures. */
const SCRIPT = `
for (const svg of document.querySelectorAll('svg.chart')) {
  const data = JSON.parse(document.getElementById(svg.id + '-data').textContent)
  const readout = document.getElementById(svg.id + '-readout')
  const cursor = svg.querySelector('.cursor')
  const t0 = Number(svg.dataset.t0), t1 = Number(svg.dataset.t1)
  const left = Number(svg.dataset.left), width = Number(svg.dataset.width)
  svg.addEventListener('mousemove', (event) => {
    const box = svg.getBoundingClientRect()
    const px = (event.clientX - box.left) * (svg.viewBox.baseVal.width / box.width)
    const t = t0 + ((px - left) / width) * (t1 - t0)
    const bucket = data.buckets[Math.floor((t - t0) / data.bucketMs)]
    if (!bucket) return
    cursor.setAttribute('x1', px); cursor.setAttribute('x2', px)
    const perSecond = 1000 / data.bucketMs
    const versions = Object.entries(bucket.versions).map(([v, n]) => v + ' ' + Math.round(n * perSecond) + '/s').join('  ')
    const failures = Object.entries(bucket.failures).map(([k, n]) => k + ' ' + n).join(' ')
    readout.textContent = (bucket.tMs / 1000).toFixed(2) + 's  sent ' + Math.round(bucket.sent * perSecond) + '/s  ' + versions + (bucket.failed ? '  FAILED ' + bucket.failed + ' (' + failures + ')' : '')
  })
}
`

/** A self-contained report (no external resource): the chart is inline SVG, the hover readout inline JS. */
export function htmlReport(runs: readonly RolloutReport[]): string {
  const title = runs.length === 1 ? `zdd demo ${runs[0]?.strategy ?? ''}` : 'zdd demo all'
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1"><style>${STYLE}</style></head>
<body><h1>${escapeHtml(title)}</h1>
<p>Real processes and sockets on one machine: pods behind a connection-level Service (and, for the app-level strategies, a real gateway in front), open-loop keep-alive load, every request counted. Node ${escapeHtml(String(runs[0]?.parameters.node ?? ''))}.</p>
${runs.length > 1 ? comparisonTable(runs) : ''}
${runs.map((run, i) => section(run, `run-${i}`)).join('\n')}
<script>${SCRIPT}</script>
</body></html>
`
}

function section(run: RolloutReport, id: string): string {
  const verdict =
    run.failed > 0
      ? ['lost', `LOST ${run.failed} of ${run.total}`]
      : run.aborted
        ? ['aborted', 'ABORTED, nothing lost']
        : ['ok', `ZERO LOSS: ${run.total} of ${run.total}`]
  const versions = versionsOf(run)
  const marks = run.featureSwitch ? [[`line: share with ${run.featureSwitch.mark}`, MARK_COLOUR]] : []
  const legend = [
    ...versions.map((v) => [v, versionColour(versions, v)]),
    ['failed', FAILED_COLOUR],
    ...marks,
  ]
    .map(([name, colour]) => `<span><i style="background:${colour}"></i>${escapeHtml(name ?? '')}</span>`)
    .join('')
  // JSON inside a script element must not contain "</": escapeHtml every "<".
  const data = JSON.stringify(run.timeline).replaceAll('<', '\\u003c')
  return `<section>
<h2>${escapeHtml(run.strategy)}${run.unprepared ? ' — unprepared control' : ''} <span class="verdict ${verdict[0]}">${escapeHtml(verdict[1] ?? '')}</span></h2>
<p>${run.total} requests, ${run.failed} failed, p99 ${run.latencyMs.p99} ms; the change took ${(run.rolloutMs / 1000).toFixed(1)} s.</p>
<div class="legend">${legend}</div>
${chartSvg(run, id)}
<div class="readout" id="${id}-readout">hover the chart for the numbers at a point in time</div>
<script type="application/json" id="${id}-data">${data}</script>
<pre class="summary">${escapeHtml(summary(run).trim())}</pre>
<details><summary>events (${run.events.length})</summary><table><tr><th>t</th><th>event</th><th>pod</th><th>detail</th></tr>
${run.events.map((e) => `<tr><td>${(e.tMs / 1000).toFixed(2)}s</td><td>${escapeHtml(e.type)}</td><td>${escapeHtml(e.pod ?? '')}</td><td>${escapeHtml(e.detail ?? '')}</td></tr>`).join('\n')}
</table></details>
<details><summary>parameters</summary><pre>${escapeHtml(JSON.stringify(run.parameters, null, 2))}</pre></details>
</section>`
}

function comparisonTable(runs: readonly RolloutReport[]): string {
  const rows = runs.map((r) => {
    const counts: Record<string, number> = {}
    for (const pod of r.finalPods) counts[pod.version] = (counts[pod.version] ?? 0) + 1
    const final = Object.entries(counts)
      .map(([v, n]) => `${v}×${n}`)
      .join(' ')
    return `<tr><td>${escapeHtml(r.strategy)}${r.aborted ? ' (aborted)' : ''}</td><td>${r.total}</td><td>${r.failed}</td><td>${r.latencyMs.p99}</td><td>${(r.rolloutMs / 1000).toFixed(1)} s</td><td>${escapeHtml(final)}</td></tr>`
  })
  return `<table><tr><th>strategy</th><th>requests</th><th>failed</th><th>p99 ms</th><th>duration</th><th>versions at the end</th></tr>
${rows.join('\n')}</table>`
}
