import type { RolloutReport } from '@zdd/rollout'
import { areaPath, escapeHtml, FAILED_COLOUR, fixed, ticks, versionColour } from './svg.ts'

const W = 980
const LEFT = 72
const RIGHT = 16
const PLOT_W = W - LEFT - RIGHT
const RATE = { top: 96, height: 190 }
const SHARE = { top: 306, height: 80 }
const LANES = { top: 404, row: 16 }
const H = LANES.top + 3 * LANES.row + 34
const LABEL_LINE = 13
const LABEL_LEVELS = 6
/** Width of a marker label in the chart's units (10 px font). */
const labelWidth = (text: string) => text.length * 5.6 + 8

/** Events marked across the chart, with a short label (the full detail is the marker's tooltip). */
const MARKED: Record<string, (detail: string) => string> = {
  'rollout-started': () => 'change starts',
  'rollout-complete': () => 'change complete',
  'selector-switched': (d) => `selector → ${d.split('=').at(-1) ?? ''}`,
  // "catalog-canary 5% → 25%" → "weight 25%"; "recommendations-ab a=100,b=0 → a=50,b=50" → "weight a=50,b=50"
  'weight-changed': (d) => `weight ${d.split(' → ').at(-1) ?? d}`,
  'flag-changed': (d) => d.replace(/ of users$/, ''),
  'preview-checked': () => 'preview checked',
  'canary-step': (d) => `step ${d.split(' pods')[0] ?? d}`,
  'rollout-aborted': () => 'ABORTED',
  'node-cordoned': (d) => `cordon ${d}`,
  'node-uncordoned': (d) => `uncordon ${d}`,
  'eviction-refused': () => 'eviction refused (429)',
  'pod-evicted': () => 'evicted',
  'node-drained': () => 'node drained',
  scaled: (d) => `scale ${d}`,
}

/** Pod lifecycle events as ticks in three lanes under the chart. */
const LANE_OF: Record<string, [number, string]> = {
  'pod-created': [0, '#6b7280'],
  'pod-ready': [0, '#16a34a'],
  'pod-not-ready': [0, '#ca8a04'],
  'pod-terminating': [1, '#ea580c'],
  'pod-sigterm': [1, '#b45309'],
  'pod-sigkill': [1, FAILED_COLOUR],
  'pod-exited': [1, '#111827'],
  'endpoint-added': [2, '#16a34a'],
  'endpoint-removed': [2, '#ea580c'],
}

export function versionsOf(report: RolloutReport): string[] {
  const seen = [String(report.parameters.fromVersion), String(report.parameters.toVersion)]
  for (const bucket of report.timeline.buckets) for (const v of Object.keys(bucket.versions)) seen.push(v)
  return [...new Set(seen)]
}

/**
 * Throughput (req/s, stacked by the version that answered, failures on top in red), the share of each
 * version (and of failures) per time bucket, the rollout's events as markers, pod events in lanes.
 */
export function chartSvg(report: RolloutReport, id: string): string {
  const { buckets, bucketMs } = report.timeline
  const versions = versionsOf(report)
  const t0 = buckets[0]?.tMs ?? 0
  const t1 = Math.max(report.timeline.endMs, t0 + 1)
  // The last bucket may be cut short by the end of the load: its rate is over the time it covers.
  const span = (b: { tMs: number }) => Math.max(1, Math.min(bucketMs, t1 - b.tMs))
  const x = (t: number) => LEFT + ((t - t0) / Math.max(1, t1 - t0)) * PLOT_W
  const maxRate = Math.max(1, ...buckets.map((b) => (b.sent * 1000) / span(b))) * 1.1
  const yRate = (rate: number) => RATE.top + RATE.height - (rate / maxRate) * RATE.height
  const yShare = (share: number) => SHARE.top + SHARE.height - share * SHARE.height
  const series = [
    ...versions.map((v) => ({ key: v, colour: versionColour(versions, v) })),
    { key: 'failed', colour: FAILED_COLOUR },
  ]
  const value = (b: (typeof buckets)[number], key: string) =>
    key === 'failed' ? b.failed : (b.versions[key] ?? 0)

  const paths: string[] = []
  const below = buckets.map(() => 0)
  for (const { key, colour } of series) {
    const rateUpper: Array<[number, number]> = []
    const rateLower: Array<[number, number]> = []
    const shareUpper: Array<[number, number]> = []
    const shareLower: Array<[number, number]> = []
    buckets.forEach((b, i) => {
      const base = below[i] ?? 0
      const n = value(b, key)
      const perSecond = 1000 / span(b)
      const [xa, xb] = [x(b.tMs), x(b.tMs + span(b))]
      rateLower.push([xa, yRate(base * perSecond)], [xb, yRate(base * perSecond)])
      rateUpper.push([xa, yRate((base + n) * perSecond)], [xb, yRate((base + n) * perSecond)])
      const sent = Math.max(1, b.sent)
      shareLower.push([xa, yShare(base / sent)], [xb, yShare(base / sent)])
      shareUpper.push([xa, yShare((base + n) / sent)], [xb, yShare((base + n) / sent)])
      below[i] = base + n
    })
    if (!buckets.some((b) => value(b, key) > 0)) continue
    paths.push(
      `<path class="series" data-series="${escapeHtml(key)}" fill="${colour}" fill-opacity="0.8" d="${areaPath(rateUpper, rateLower)}"><title>${escapeHtml(key)}</title></path>`,
      `<path class="share" data-series="${escapeHtml(key)}" fill="${colour}" fill-opacity="0.8" d="${areaPath(shareUpper, shareLower)}"><title>${escapeHtml(key)} share</title></path>`,
    )
  }

  paths.push(...featureLine(report, x, yShare, t1))

  const grid = ticks(maxRate / 1.1, 4).map(
    (r) =>
      `<line x1="${LEFT}" x2="${W - RIGHT}" y1="${fixed(yRate(r))}" y2="${fixed(yRate(r))}" class="grid"/><text x="${LEFT - 6}" y="${fixed(yRate(r) + 4)}" text-anchor="end">${r}</text>`,
  )
  const seconds = ticks(t1 / 1000, 12)
    .filter((s) => s * 1000 >= t0)
    .map((s) => {
      const xs = fixed(x(s * 1000))
      return `<line x1="${xs}" x2="${xs}" y1="${SHARE.top + SHARE.height}" y2="${SHARE.top + SHARE.height + 4}" class="axis"/><text x="${xs}" y="${H - 6}" text-anchor="middle">${s}s</text>`
    })
  const inRange = report.events.filter((e) => e.tMs >= t0 && e.tMs <= t1)
  const markers = staggered(
    inRange.filter((e) => e.type in MARKED),
    x,
  ).map(({ event: e, level }) => {
    const xs = fixed(x(e.tMs))
    const label = (MARKED[e.type]?.(e.detail ?? '') ?? e.type).slice(0, 30)
    const tip = `${(e.tMs / 1000).toFixed(2)}s ${e.type} ${[e.pod, e.detail].filter(Boolean).join(' ')}`
    const y = RATE.top - 6 - level * LABEL_LINE
    return `<g class="marker ${e.type}"><title>${escapeHtml(tip)}</title><line x1="${xs}" x2="${xs}" y1="${y + 2}" y2="${SHARE.top + SHARE.height}"/><text x="${fixed(x(e.tMs) + 3)}" y="${y}">${escapeHtml(label)}</text></g>`
  })
  const lanes = inRange
    .filter((e) => e.type in LANE_OF)
    .map((e) => {
      const [row, colour] = LANE_OF[e.type] ?? [0, '#000']
      const y = LANES.top + row * LANES.row
      const tip = `${(e.tMs / 1000).toFixed(2)}s ${e.type} ${e.pod ?? ''} ${e.detail ?? ''}`
      return `<line class="tick" x1="${fixed(x(e.tMs))}" x2="${fixed(x(e.tMs))}" y1="${y + 2}" y2="${y + LANES.row - 2}" stroke="${colour}"><title>${escapeHtml(tip)}</title></line>`
    })
  const laneNames = ['pods', 'stopping', 'endpoints'].map(
    (name, row) =>
      `<text x="${LEFT - 6}" y="${LANES.top + row * LANES.row + 12}" text-anchor="end">${name}</text>`,
  )
  return `<svg id="${id}" class="chart" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="requests per second by version, share per version and rollout events over time" data-t0="${t0}" data-t1="${t1}" data-left="${LEFT}" data-width="${PLOT_W}">
<text x="${LEFT}" y="${RATE.top + RATE.height + 14}" class="caption">req/s by version answering (failures in red)</text>
${grid.join('\n')}
${paths.join('\n')}
<rect x="${LEFT}" y="${SHARE.top}" width="${PLOT_W}" height="${SHARE.height}" class="frame"/>
<text x="${LEFT - 6}" y="${SHARE.top + SHARE.height / 2 + 4}" text-anchor="end">share</text>
${markers.join('\n')}
${laneNames.join('')}
${lanes.join('\n')}
${seconds.join('\n')}
<line class="cursor" x1="-10" x2="-10" y1="${RATE.top}" y2="${SHARE.top + SHARE.height}"/>
</svg>`
}

/** Label levels for markers: the lowest level whose previous label ends before this one starts. */
function staggered<E extends { tMs: number; type: string; detail?: string }>(
  events: E[],
  x: (t: number) => number,
): Array<{ event: E; level: number }> {
  const ends = Array.from({ length: LABEL_LEVELS }, () => Number.NEGATIVE_INFINITY)
  return events.map((event) => {
    const start = x(event.tMs)
    const free = ends.findIndex((end) => end < start)
    const level = free === -1 ? ends.indexOf(Math.min(...ends)) : free
    const label = (MARKED[event.type]?.(event.detail ?? '') ?? event.type).slice(0, 30)
    ends[level] = start + labelWidth(label)
    return { event, level }
  })
}

/** Colour of the line for a feature switch's new behaviour. */
export const MARK_COLOUR = '#111827'

/**
 * A feature switch's run: a line over the share band, the share of successful answers with the new
 * behaviour, by answer time (the switch is evaluated when the catalog answers, not when the request left).
 */
function featureLine(
  report: RolloutReport,
  x: (t: number) => number,
  yShare: (share: number) => number,
  t1: number,
): string[] {
  const d = report.featureSwitch
  if (!d || d.series.length === 0) return []
  const points = d.series
    .filter((point) => point.ok > 0 && point.tMs + 250 <= t1)
    .map((point) => `${fixed(x(point.tMs + 250))},${fixed(yShare(point.share))}`)
  return [
    `<polyline class="marks" data-mark="${escapeHtml(d.mark)}" fill="none" stroke="${MARK_COLOUR}" stroke-width="2" points="${points.join(' ')}"><title>share of answers with ${escapeHtml(d.mark)}</title></polyline>`,
  ]
}
