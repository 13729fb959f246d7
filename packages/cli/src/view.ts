import type { ProgressSnapshot, RolloutEvent } from '@zdd/rollout'

const BAR_WIDTH = 20
const WIDE_BAR = 40

/** A one-line view for logs: elapsed, requests, failures by kind, share per version (last second). */
export function progressLine(s: ProgressSnapshot): string {
  const shares = versionShares(s)
    .map(({ version, share }) => `${version} ${bar(share, BAR_WIDTH)} ${Math.round(share * 100)}%`)
    .join('  ')
  const clock = `${(s.elapsedMs / 1000).toFixed(1)}s`.padStart(6)
  const marks = Object.entries(s.recentMarks ?? {})
    .map(([mark, n]) => `  +${mark} ${n}/s`)
    .join('')
  return `${clock} ${s.phase.padEnd(8)} ${String(s.recentRps).padStart(5)} req/s  sent ${s.total}  ok ${s.ok}  failed ${s.failed}${failureKinds(s)}  ${shares}${marks}`
}

/** The block a terminal redraws in place: a status line, then a bar per version (last second). */
export function progressBlock(s: ProgressSnapshot): string[] {
  const clock = `${(s.elapsedMs / 1000).toFixed(1)}s`.padStart(6)
  const status = `${clock}  ${s.phase.padEnd(12)} ${String(s.recentRps).padStart(5)} req/s   sent ${s.total}  ok ${s.ok}  failed ${s.failed}${failureKinds(s)}`
  const shares = versionShares(s).map(
    ({ version, share, n }) =>
      `        ${version.padEnd(8)} ${bar(share, WIDE_BAR)} ${String(Math.round(share * 100)).padStart(3)}%  ${n}/s`,
  )
  return [
    status,
    ...(shares.length ? shares : ['        (no responses in the last second)']),
    ...markLines(s),
  ]
}

/** A feature switch's new behaviour: its share of the last second's successful answers. */
function markLines(s: ProgressSnapshot): string[] {
  const ok = Object.entries(s.recentVersions)
    .filter(([version]) => version !== 'failed')
    .reduce((sum, [, n]) => sum + n, 0)
  return Object.entries(s.recentMarks ?? {}).map(([mark, n]) => {
    const share = n / Math.max(1, ok)
    return `        ${`+${mark}`.padEnd(8)} ${bar(share, WIDE_BAR)} ${String(Math.round(share * 100)).padStart(3)}%  ${n}/s with the new behaviour`
  })
}

export function eventLine(event: RolloutEvent): string {
  const subject = [event.pod, event.detail].filter(Boolean).join(' ')
  return `${`${(event.tMs / 1000).toFixed(1)}s`.padStart(6)} ${event.type.padEnd(17)} ${subject}`
}

/** Events worth a line of their own in the live view (the rest go to --json and --html). */
export const SHOWN_EVENTS = new Set([
  'rollout-started',
  'pod-created',
  'pod-ready',
  'pod-terminating',
  'pod-sigterm',
  'pod-sigkill',
  'pod-exited',
  'endpoint-removed',
  'rollout-complete',
  'scaled',
  'selector-switched',
  'weight-changed',
  'flag-changed',
  'observed',
  'preview-checked',
  'canary-step',
  'canary-observed',
  'rollout-aborted',
  'node-cordoned',
  'node-uncordoned',
  'pod-evicted',
  'eviction-refused',
  'node-drained',
])

/**
 * The live view: on a terminal, event lines scroll above a block redrawn in place several times a second;
 * elsewhere (CI logs, pipes), one plain progress line a second and the event lines.
 */
export class LiveView {
  #drawn = 0
  #lastPlainMs = Number.NEGATIVE_INFINITY
  #last: ProgressSnapshot | undefined
  readonly #out: NodeJS.WritableStream
  readonly #tty: boolean

  constructor(out: NodeJS.WritableStream, tty: boolean) {
    this.#out = out
    this.#tty = tty
  }

  get intervalMs(): number {
    return this.#tty ? 200 : 1000
  }

  progress(snapshot: ProgressSnapshot): void {
    this.#last = snapshot
    if (this.#tty) {
      this.#redraw([])
      return
    }
    if (snapshot.elapsedMs - this.#lastPlainMs < 900) return
    this.#lastPlainMs = snapshot.elapsedMs
    this.#out.write(`${progressLine(snapshot)}\n`)
  }

  event(event: RolloutEvent): void {
    if (!SHOWN_EVENTS.has(event.type)) return
    if (this.#tty) this.#redraw([eventLine(event)])
    else this.#out.write(`${eventLine(event)}\n`)
  }

  /** Leaves the last block on screen, so what follows starts below it. */
  finish(): void {
    this.#drawn = 0
  }

  #redraw(above: string[]): void {
    const clear = this.#drawn > 0 ? `\x1b[${this.#drawn}F\x1b[J` : ''
    // A line wider than the terminal would wrap and break the count of lines to redraw: cut it.
    const width = Math.max(20, ((this.#out as { columns?: number }).columns ?? 200) - 1)
    const block = (this.#last ? progressBlock(this.#last) : []).map((line) => line.slice(0, width))
    this.#drawn = block.length
    this.#out.write(`${clear}${[...above, ...block].map((line) => `${line}\n`).join('')}`)
  }
}

function versionShares(s: ProgressSnapshot): Array<{ version: string; share: number; n: number }> {
  const total = Object.values(s.recentVersions).reduce((a, b) => a + b, 0)
  return Object.entries(s.recentVersions)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([version, n]) => ({ version, n, share: total === 0 ? 0 : n / total }))
}

function bar(share: number, width: number): string {
  const filled = Math.round(share * width)
  return `${'█'.repeat(filled)}${'░'.repeat(width - filled)}`
}

function failureKinds(s: ProgressSnapshot): string {
  const kinds = Object.entries(s.failures)
    .filter(([, n]) => n)
    .map(([kind, n]) => `${kind}=${n}`)
  return kinds.length ? ` (${kinds.join(' ')})` : ''
}
