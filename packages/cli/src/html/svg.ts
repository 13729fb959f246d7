/** Small helpers shared by the report's SVG and HTML: escaping, colours, number formatting. */

export function escapeHtml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
}

const VERSION_COLOURS = ['#2563eb', '#16a34a', '#9333ea', '#ea580c', '#0891b2', '#ca8a04']
export const FAILED_COLOUR = '#dc2626'

/** A stable colour per version, in the order versions are first listed (v1 blue, v2 green, …). */
export function versionColour(versions: readonly string[], version: string): string {
  const index = versions.indexOf(version)
  return VERSION_COLOURS[(index < 0 ? versions.length : index) % VERSION_COLOURS.length] ?? '#6b7280'
}

export function fixed(n: number): string {
  return (Math.round(n * 10) / 10).toString()
}

/** A closed area between two polylines given as [x, y] points: upper left → right, lower right → left. */
export function areaPath(upper: Array<[number, number]>, lower: Array<[number, number]>): string {
  if (upper.length === 0) return ''
  const forward = upper.map(([x, y], i) => `${i === 0 ? 'M' : 'L'}${fixed(x)},${fixed(y)}`)
  const back = [...lower].reverse().map(([x, y]) => `L${fixed(x)},${fixed(y)}`)
  return `${forward.join('')}${back.join('')}Z`
}

/** Round steps for an axis: 1, 2, 5 × 10^n, about `count` of them up to `max`. */
export function ticks(max: number, count: number): number[] {
  if (max <= 0) return [0]
  const raw = max / count
  const magnitude = 10 ** Math.floor(Math.log10(raw))
  const step = [1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= raw) ?? raw
  const result: number[] = []
  for (let t = 0; t <= max + 1e-9; t += step) result.push(Math.round(t * 1000) / 1000)
  return result
}
