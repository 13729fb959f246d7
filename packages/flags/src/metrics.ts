import { Counter, Gauge, type Registry } from 'prom-client'
import type { FlagClient } from './client.ts'
import { SYNC_STATES } from './state.ts'

/**
 * `flag_evaluations_total{flag,variant}`: labels bounded by the flags the code asks for and their variant
 * names (`on`/`off` for switches). `flags_sync_state{state}`: 1 for the current state, so a 401 that
 * stopped polling for good is visible on a dashboard, not only in one log line.
 */
export function instrumentFlags(client: FlagClient, registry: Registry): void {
  // Decisions are counted in plain numbers and handed to prom-client when it is scraped: a labelled
  // increment per decision (label hashing in prom-client) would cost more than the decision itself.
  // flag → result → tally: nested maps, so counting a decision allocates nothing (no key string).
  const tallies = new Map<string, Map<string, { count: number; reported: number }>>()
  new Counter({
    name: 'flag_evaluations_total',
    help: 'Flag evaluations by flag and result (variant name, or on/off for switches)',
    labelNames: ['flag', 'variant'],
    registers: [registry],
    collect() {
      for (const [flag, results] of tallies) {
        for (const [variant, tally] of results) {
          if (tally.count === tally.reported) continue
          this.inc({ flag, variant }, tally.count - tally.reported)
          tally.reported = tally.count
        }
      }
    },
  })
  const state = new Gauge({
    name: 'flags_sync_state',
    help: `Flag client sync state (1 for the current one): ${SYNC_STATES.join(', ')}`,
    labelNames: ['state', 'mode'],
    registers: [registry],
  })
  const show = (current: string) => {
    for (const name of SYNC_STATES) state.set({ state: name, mode: client.mode }, name === current ? 1 : 0)
  }
  show(client.state)
  client.on('state', show)
  client.onEvaluated = (flag, variant) => {
    let results = tallies.get(flag)
    if (!results) {
      results = new Map()
      tallies.set(flag, results)
    }
    const tally = results.get(variant)
    if (tally) tally.count++
    else results.set(variant, { count: 1, reported: 0 })
  }
}
