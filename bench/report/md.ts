import { busy, describeMachine, type Machine } from '../lib/machine.ts'

/**
 * A Markdown table, columns padded to their widest cell the way the repository's formatter (Biome) lays
 * tables out, so `pnpm lint` accepts the generated file as it is. Pipes in cells are escaped.
 */
export function table(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const all = [headers, ...rows].map((row) => row.map((cell) => cell.replaceAll('|', '\\|')))
  const widths = headers.map((_, i) => Math.max(3, ...all.map((row) => (row[i] ?? '').length)))
  const line = (row: readonly string[]) => `| ${widths.map((w, i) => (row[i] ?? '').padEnd(w)).join(' | ')} |`
  const [head = [], ...body] = all
  return [line(head), `| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`, ...body.map(line)].join('\n')
}

/** 12345.6 → "12,346"; small numbers keep `digits` decimals. */
export function num(value: number | undefined, digits = 0): string {
  if (value === undefined || !Number.isFinite(value)) return '–'
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })
}

export function pct(ratio: number | undefined, digits = 0): string {
  return ratio === undefined || !Number.isFinite(ratio) ? '–' : `${num(ratio * 100, digits)} %`
}

export function ms(value: number | undefined, digits = 0): string {
  return value === undefined ? '–' : `${num(value, digits)} ms`
}

/** The line every section starts with: the machine, its load, the Node version, the profile. */
export function machineLine(m: Machine, profile: string | undefined, durationMs: number): string {
  const note = busy(m)
    ? ` **The machine was busy with other work** (load average ${m.loadavg[0]} on ${m.cores} cores when this suite started): absolute figures are pessimistic and noisier than on an idle machine; ratios within the run are what count.`
    : ''
  return `_${describeMachine(m)}; measured ${m.at.slice(0, 16).replace('T', ' ')} UTC; profile ${profile ?? '?'}; took ${num(durationMs / 1000)} s._${note}`
}

export interface TargetCheck {
  target: string
  measured: string
  met: boolean | undefined
  /** By how much it was missed (or the margin), and what limits it. */
  note: string
}

export function targetsTable(checks: readonly TargetCheck[]): string {
  return table(
    ['target', 'measured', 'met', 'margin / what limits it'],
    checks.map((c) => [
      c.target,
      c.measured,
      c.met === undefined ? 'not fully measured' : c.met ? 'yes' : '**no**',
      c.note,
    ]),
  )
}
