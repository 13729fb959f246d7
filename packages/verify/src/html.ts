import type { VerifyReport } from './report.ts'

const escapeHtml = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string,
  )

const COLOUR = { pass: '#16a34a', fail: '#dc2626', 'n/a': '#6b7280' }

/** The report as one self-contained page: the verdict, a row per check, the options and the service's output. */
export function renderHtml(report: VerifyReport): string {
  const failed = report.checks.filter((check) => check.status === 'fail').length
  const rows = report.checks
    .map(
      (check) => `<tr>
  <td>${check.n}</td>
  <td><b style="color:${COLOUR[check.status]}">${check.status.toUpperCase()}</b></td>
  <td>${escapeHtml(check.title)}</td>
  <td>${escapeHtml(check.figure)}${check.status === 'pass' ? '' : `<br><i>${escapeHtml(check.reason)}</i>`}${check.fix === undefined ? '' : `<br><b>fix:</b> ${escapeHtml(check.fix)}`}</td>
</tr>`,
    )
    .join('\n')
  const options = Object.entries(report.options)
    .map(([name, value]) => `<tr><td>${escapeHtml(name)}</td><td>${escapeHtml(String(value))}</td></tr>`)
    .join('')
  const verdict = failed === 0 ? 'Safe to roll: every check passed' : `Not safe to roll: ${failed} failed`
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>zdd verify: ${escapeHtml(report.command.join(' '))}</title>
<style>
body{font:14px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:1000px;color:#111}
table{border-collapse:collapse;width:100%;margin:1rem 0}td,th{border-bottom:1px solid #e5e7eb;padding:.4rem;text-align:left;vertical-align:top}
pre{background:#f3f4f6;padding:.8rem;overflow:auto;font-size:12px}
</style></head><body>
<h1>zdd verify</h1>
<p><code>${escapeHtml(report.command.join(' '))}</code></p>
<h2 style="color:${failed === 0 ? COLOUR.pass : COLOUR.fail}">${verdict} (${(report.durationMs / 1000).toFixed(1)} s)</h2>
<table><tr><th>#</th><th></th><th>check</th><th>measured</th></tr>
${rows}
</table>
<p>The sequence these checks follow: ${escapeHtml(report.docs)}</p>
<h3>Options</h3><table>${options}</table>
<h3>The service's output (main run, last lines)</h3><pre>${escapeHtml(report.output)}</pre>
</body></html>
`
}
