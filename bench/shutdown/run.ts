import { type RolloutReport, runRollout } from '@zdd/rollout'
import { log } from '../lib/log.ts'
import { type Machine, machine } from '../lib/machine.ts'
import { packageVersion, VARIANTS, type Variant } from './variants.ts'

export interface RateProfile {
  rps: number
  connections: number
}

export interface ShutdownParams {
  variants: string[]
  rates: RateProfile[]
  propagationDelaysMs: number[]
  /** Jitter as a share of the propagation delay (0.25: 1000 ± 250 ms). */
  jitterShare: number
  /** SHUTDOWN_DELAY_MS for every pod; the libraries with a delay knob get it too. */
  shutdownDelayMs: number
  rolloutsPerCell: number
  /** Cells beyond the rates × delays × variants matrix (the short profile's few 5,000 req/s runs). */
  extraCells?: CellGroup[]
  replicas: number
  warmupMs: number
  tailMs: number
  terminationGracePeriodMs: number
  requestTimeoutMs: number
}

export interface CellGroup {
  rate: RateProfile
  propagationDelaysMs: number[]
  variants: string[]
}

export const LOSS_KINDS = ['refused', 'reset', 'timeout', 'http_5xx', 'other'] as const
export type LossKind = (typeof LOSS_KINDS)[number]

/** One rollout, reduced to what the report needs. */
export interface RolloutSummary {
  total: number
  failed: number
  lost: Record<LossKind, number>
  rolloutMs: number
  p99Ms: number
  /** Old pods: SIGTERM (= deletion: no preStop) to exit, exit code, SIGKILL. */
  terminations: Array<{
    durationMs: number
    exitCode: number | null
    signal: string | null
    sigkill: boolean
  }>
  balancer: { connections: number; refusedByPod: number; noEndpoint: number }
  /** Set when the harness could not complete the rollout (the pods did not start, a timeout). */
  error?: string
}

export interface ShutdownCell {
  variant: string
  rps: number
  propagationDelayMs: number
  rollouts: RolloutSummary[]
  /** When the run that measured this cell started (set on cells merged from several runs). */
  measuredAt?: string
}

export interface ShutdownResults {
  suite: 'shutdown'
  machine: Machine
  params: ShutdownParams
  variants: Array<
    Pick<Variant, 'name' | 'pkg' | 'wiring' | 'delayKnob' | 'libraryProbes'> & { version: string }
  >
  cells: ShutdownCell[]
  durationMs: number
}

/**
 * The client sees every failure through the Service: a pod that refused the connection reaches it as a
 * reset from the balancer (a userspace proxy; iptables kube-proxy would pass the refusal on as is). So the
 * balancer's count of connections the pods refused is reported as `refused`, and the rest as `reset`.
 */
export function summarize(report: RolloutReport): RolloutSummary {
  const f = report.failures
  const refusedByPod = report.balancer.upstreamErrors.ECONNREFUSED ?? 0
  const clientResets = (f.reset ?? 0) + (f.refused ?? 0)
  const refused = Math.min(refusedByPod, clientResets)
  return {
    total: report.total,
    failed: report.failed,
    lost: {
      refused,
      reset: clientResets - refused,
      timeout: f.timeout ?? 0,
      http_5xx: f.http_5xx ?? 0,
      other: (f.other ?? 0) + (f.http_4xx ?? 0),
    },
    rolloutMs: report.rolloutMs,
    p99Ms: report.latencyMs.p99,
    terminations: report.terminations.map((t) => ({
      durationMs: t.durationMs,
      exitCode: t.exitCode,
      signal: t.signal,
      sigkill: t.sigkill,
    })),
    balancer: {
      connections: report.balancer.connections,
      refusedByPod,
      noEndpoint: report.balancer.noEndpoint,
    },
  }
}

function failedRun(err: unknown): RolloutSummary {
  return {
    total: 0,
    failed: 0,
    lost: { refused: 0, reset: 0, timeout: 0, http_5xx: 0, other: 0 },
    rolloutMs: 0,
    p99Ms: 0,
    terminations: [],
    balancer: { connections: 0, refusedByPod: 0, noEndpoint: 0 },
    error: (err as Error).message.split('\n')[0] ?? String(err),
  }
}

async function rollout(variant: Variant, rate: RateProfile, delayMs: number, params: ShutdownParams) {
  const probes = { readiness: variant.readiness, liveness: variant.liveness }
  const report = await runRollout({
    replicas: params.replicas,
    rps: rate.rps,
    connections: rate.connections,
    propagationDelayMs: delayMs,
    propagationJitterMs: Math.round(delayMs * params.jitterShare),
    shutdownDelayMs: params.shutdownDelayMs,
    warmupMs: params.warmupMs,
    tailMs: params.tailMs,
    terminationGracePeriodMs: params.terminationGracePeriodMs,
    requestTimeoutMs: params.requestTimeoutMs,
    service: { name: variant.name, entry: variant.entry, path: '/products', probes },
  })
  return summarize(report)
}

/** The matrix, plus any extra cells, as groups of (rate, delays, variants) run in that order. */
function groups(params: ShutdownParams): CellGroup[] {
  return [
    ...params.rates.map((rate) => ({
      rate,
      propagationDelaysMs: params.propagationDelaysMs,
      variants: params.variants,
    })),
    ...(params.extraCells ?? []),
  ]
}

function resolveVariant(name: string): Variant {
  const variant = VARIANTS.find((v) => v.name === name)
  if (!variant) throw new Error(`unknown variant "${name}"; known: ${VARIANTS.map((v) => v.name).join(', ')}`)
  return variant
}

export async function runShutdownBench(params: ShutdownParams): Promise<ShutdownResults> {
  const startedAt = performance.now()
  const info = machine()
  const plan = groups(params)
  const variants = [...new Set(plan.flatMap((g) => g.variants))].map(resolveVariant)
  const cells: ShutdownCell[] = []
  const total = plan.reduce(
    (n, g) => n + g.propagationDelaysMs.length * g.variants.length * params.rolloutsPerCell,
    0,
  )
  let done = 0
  for (const { rate, propagationDelaysMs, variants: names } of plan) {
    for (const delayMs of propagationDelaysMs) {
      const row = names.map(resolveVariant).map((variant) => {
        const cell: ShutdownCell = {
          variant: variant.name,
          rps: rate.rps,
          propagationDelayMs: delayMs,
          rollouts: [],
        }
        cells.push(cell)
        return { variant, cell }
      })
      // Variants take turns within a cell, so a burst of other work on the machine spreads over all of them.
      for (let i = 0; i < params.rolloutsPerCell; i += 1) {
        for (const { variant, cell } of row) {
          const summary = await rollout(variant, rate, delayMs, params).catch(failedRun)
          cell.rollouts.push(summary)
          done += 1
          const lost = Object.entries(summary.lost)
            .filter(([, n]) => n > 0)
            .map(([kind, n]) => `${kind} ${n}`)
          const exits = summary.terminations.map((t) => t.exitCode ?? t.signal).join('/')
          log(
            `shutdown ${done}/${total} ${rate.rps} req/s, propagation ${delayMs} ms, ${variant.name}: ` +
              (summary.error
                ? `ERROR ${summary.error}`
                : `lost ${summary.failed}/${summary.total}${lost.length ? ` (${lost.join(', ')})` : ''}, exits ${exits}`),
          )
        }
      }
    }
  }
  return {
    suite: 'shutdown',
    machine: info,
    params,
    variants: variants.map((v) => ({
      name: v.name,
      pkg: v.pkg,
      wiring: v.wiring,
      delayKnob: v.delayKnob,
      libraryProbes: v.libraryProbes,
      version: v.pkg?.startsWith('@zdd/') ? 'workspace' : packageVersion(v.pkg),
    })),
    cells,
    durationMs: Math.round(performance.now() - startedAt),
  }
}
