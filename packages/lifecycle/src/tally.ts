import type { Metric, Registry } from 'prom-client'

/** Counts and timings of one label combination, kept in plain numbers. */
export interface Series {
  readonly labels: Readonly<Record<string, string>>
  /** Every event of this series. */
  count: number
  /** Events with a duration (`observe`): the histogram's count. */
  timed: number
  /** Sum of the observed durations, in seconds. */
  sum: number
  /** Observations per bucket (not cumulative); the last slot is +Inf. */
  readonly buckets: Float64Array
}

type Level = Map<string, Level | Series>

/**
 * Counters and histograms for the per-request path. prom-client's labelled `inc`/`observe` hash a label
 * object on every call (and the caller allocates that object); at thousands of requests per second that is
 * a measurable share of a proxy's CPU and garbage. Here a request walks nested maps by label value
 * (allocating nothing once its series exists) and prom-client only sees the totals when it is scraped,
 * through `tallyCounter` / `tallyHistogram`. Label values must come from a bounded set (route templates,
 * upstream names, status codes), as for any metric.
 */
export class Tally {
  readonly labelNames: readonly string[]
  /** Histogram bucket upper bounds, in seconds, ascending. */
  readonly bounds: readonly number[]
  readonly #root: Level = new Map()
  readonly #all: Series[] = []

  constructor(labelNames: readonly string[], bounds: readonly number[]) {
    if (labelNames.length < 1 || labelNames.length > 5) throw new RangeError('a tally has 1 to 5 labels')
    this.labelNames = labelNames
    this.bounds = bounds
  }

  /** The series for these label values, in `labelNames` order (created on first use). */
  series(v0: string, v1 = '', v2 = '', v3 = '', v4 = ''): Series {
    const last = this.labelNames.length - 1
    let level = this.#root
    for (let i = 0; ; i++) {
      const value = i === 0 ? v0 : i === 1 ? v1 : i === 2 ? v2 : i === 3 ? v3 : v4
      const found = level.get(value)
      if (i === last) return (found as Series | undefined) ?? this.#create(level, [v0, v1, v2, v3, v4])
      if (found === undefined) {
        const next: Level = new Map()
        level.set(value, next)
        level = next
      } else {
        level = found as Level
      }
    }
  }

  /** Counts one timed event of `series` (`seconds` goes into the histogram). */
  observe(series: Series, seconds: number): void {
    series.count++
    series.timed++
    series.sum += seconds
    const bounds = this.bounds
    let i = 0
    while (i < bounds.length && seconds > (bounds[i] as number)) i++
    ;(series.buckets[i] as number)++
  }

  /** Every series so far, in creation order. */
  all(): readonly Series[] {
    return this.#all
  }

  #create(level: Level, values: string[]): Series {
    const labels: Record<string, string> = {}
    this.labelNames.forEach((name, i) => {
      labels[name] = values[i] as string
    })
    const series: Series = {
      labels,
      count: 0,
      timed: 0,
      sum: 0,
      buckets: new Float64Array(this.bounds.length + 1),
    }
    level.set(values[this.labelNames.length - 1] as string, series)
    this.#all.push(series)
    return series
  }
}

interface Value {
  value: number
  labels: Record<string, string | number>
  metricName?: string
}

/**
 * A metric prom-client's Registry can expose: it reads `name`, `help`, `type`, `aggregator` and `get()`
 * (the contract its own metric classes follow) and calls `reset()` from `resetMetrics()`.
 */
class TallyMetric {
  readonly name: string
  readonly help: string
  readonly type: 'counter' | 'histogram'
  readonly aggregator = 'sum'
  readonly #values: () => Value[]

  constructor(name: string, help: string, type: 'counter' | 'histogram', values: () => Value[]) {
    this.name = name
    this.help = help
    this.type = type
    this.#values = values
  }

  async get() {
    return {
      name: this.name,
      help: this.help,
      type: this.type,
      values: this.#values(),
      aggregator: this.aggregator,
    }
  }

  /** Totals are the tally's: counters never go back (a reset would read as a process restart). */
  reset(): void {}
}

function register(registry: Registry, metric: TallyMetric): void {
  registry.registerMetric(metric as unknown as Metric)
}

function pick(labels: Readonly<Record<string, string>>, names: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {}
  for (const name of names) out[name] = labels[name] as string
  return out
}

/** `<name>{labels} count` for every series of the tally (a `_total` counter). */
export function tallyCounter(registry: Registry, opts: { name: string; help: string; tally: Tally }): void {
  const { tally } = opts
  register(
    registry,
    new TallyMetric(opts.name, opts.help, 'counter', () =>
      tally.all().map((series) => ({ value: series.count, labels: { ...series.labels } })),
    ),
  )
}

/**
 * A histogram (`_bucket` with `le`, `_sum`, `_count`) of the tally's observations, by all of its labels
 * or, with `labelNames`, summed over the others. Series with no observation yet are left out.
 */
export function tallyHistogram(
  registry: Registry,
  opts: { name: string; help: string; tally: Tally; labelNames?: readonly string[] },
): void {
  const { tally, name } = opts
  const names = opts.labelNames ?? tally.labelNames
  const unknown = names.filter((label) => !tally.labelNames.includes(label))
  if (unknown.length) throw new Error(`${name}: labels ${unknown.join(', ')} are not the tally's`)
  register(
    registry,
    new TallyMetric(name, opts.help, 'histogram', () => {
      // Series that share the exposed labels are summed (e.g. by route and upstream over every status).
      const groups = new Map<
        string,
        { labels: Record<string, string>; timed: number; sum: number; buckets: number[] }
      >()
      for (const series of tally.all()) {
        if (series.timed === 0) continue
        const labels = pick(series.labels, names)
        const key = JSON.stringify(names.map((label) => labels[label]))
        let group = groups.get(key)
        if (!group) {
          group = { labels, timed: 0, sum: 0, buckets: new Array(series.buckets.length).fill(0) }
          groups.set(key, group)
        }
        group.timed += series.timed
        group.sum += series.sum
        series.buckets.forEach((n, i) => {
          ;(group.buckets[i] as number) += n
        })
      }
      const values: Value[] = []
      for (const group of groups.values()) {
        let cumulative = 0
        tally.bounds.forEach((bound, i) => {
          cumulative += group.buckets[i] as number
          values.push({
            value: cumulative,
            labels: { ...group.labels, le: bound },
            metricName: `${name}_bucket`,
          })
        })
        values.push(
          { value: group.timed, labels: { ...group.labels, le: '+Inf' }, metricName: `${name}_bucket` },
          { value: group.sum, labels: { ...group.labels }, metricName: `${name}_sum` },
          { value: group.timed, labels: { ...group.labels }, metricName: `${name}_count` },
        )
      }
      return values
    }),
  )
}
