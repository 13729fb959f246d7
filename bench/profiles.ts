import type { FlagsParams } from './flags/run.ts'
import type { GatewayParams } from './gateway/run.ts'
import type { ShutdownParams } from './shutdown/run.ts'
import { VARIANTS } from './shutdown/variants.ts'
import type { StartupParams } from './startup/run.ts'

export const PROFILE_NAMES = ['short', 'standard', 'full'] as const
export type ProfileName = (typeof PROFILE_NAMES)[number]

export interface Profile {
  name: ProfileName
  /** What the profile covers, for RESULTS.md. */
  covers: string
  shutdown: ShutdownParams
  gateway: GatewayParams
  startup: StartupParams
  flags: FlagsParams
}

const RATE_1000 = { rps: 1000, connections: 32 }
const RATE_5000 = { rps: 5000, connections: 128 }

const shutdownBase: ShutdownParams = {
  variants: VARIANTS.map((v) => v.name),
  rates: [RATE_1000, RATE_5000],
  propagationDelaysMs: [0, 1000, 3000, 10_000],
  jitterShare: 0.25,
  shutdownDelayMs: 2000,
  rolloutsPerCell: 5,
  replicas: 3,
  warmupMs: 1500,
  tailMs: 1500,
  terminationGracePeriodMs: 30_000,
  requestTimeoutMs: 5000,
}

/** What every profile's gateway and start-up runs share; each profile sets only its durations and counts. */
const gatewayBase = { connections: 32, users: 1000, fixedShare: 0.5, profile: true }
const startupBase = { spawns: 10, loadRps: 1000, compileCache: true, unbundled: true }

export const PROFILES: Record<ProfileName, Profile> = {
  short: {
    name: 'short',
    covers:
      'every library at 1,000 req/s and propagation up to 3 s, plus @zdd/lifecycle (and the control) at 5,000 req/s where propagation ≤ SHUTDOWN_DELAY_MS and @zdd/lifecycle with its defaults at 10 s, 1 rollout per cell; gateway 1 round of 4 s runs; ' +
      'start-up median of 10; flags median of 3',
    shutdown: {
      ...shutdownBase,
      rates: [RATE_1000],
      propagationDelaysMs: [0, 1000, 3000],
      rolloutsPerCell: 1,
      warmupMs: 1000,
      tailMs: 1000,
      // The 5,000 req/s target cells for @zdd/lifecycle, and the control beside it.
      extraCells: [
        { rate: RATE_5000, propagationDelaysMs: [1000], variants: ['naive', 'zdd-lifecycle'] },
        { rate: RATE_5000, propagationDelaysMs: [0], variants: ['zdd-lifecycle'] },
        // The adaptive drain's claim: defaults, propagation far beyond any delay, both rates.
        { rate: RATE_1000, propagationDelaysMs: [10_000], variants: ['zdd-lifecycle-defaults'] },
        { rate: RATE_5000, propagationDelaysMs: [10_000], variants: ['zdd-lifecycle-defaults'] },
      ],
    },
    gateway: { ...gatewayBase, warmupMs: 2000, durationMs: 4000, rounds: 1 },
    startup: { ...startupBase, idleMs: 2000, loadMs: 5000, importRuns: 3 },
    flags: { durationMs: 1500, rounds: 3 },
  },
  standard: {
    name: 'standard',
    covers:
      'the issue matrix: both rates, every propagation delay, 5 rollouts per cell; gateway 3 rounds of 8 s',
    shutdown: shutdownBase,
    gateway: { ...gatewayBase, warmupMs: 3000, durationMs: 8000, rounds: 3 },
    startup: { ...startupBase, idleMs: 3000, loadMs: 15_000, importRuns: 5 },
    flags: { durationMs: 3000, rounds: 5 },
  },
  full: {
    name: 'full',
    covers: 'the issue matrix with 20 rollouts per cell; gateway 5 rounds of 10 s; flags median of 7',
    shutdown: { ...shutdownBase, rolloutsPerCell: 20 },
    gateway: { ...gatewayBase, warmupMs: 3000, durationMs: 10_000, rounds: 5 },
    startup: { ...startupBase, idleMs: 3000, loadMs: 30_000, importRuns: 5 },
    flags: { durationMs: 3000, rounds: 7 },
  },
}
