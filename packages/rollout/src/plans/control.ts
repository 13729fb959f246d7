import type { Verdict } from './judge.ts'
import type { ShiftStep } from './shift.ts'

/** What an operator can ask of a progressive rollout from another process. */
export type OperatorCommand = 'pause' | 'resume' | 'promote' | 'abort'

export const OPERATOR_COMMANDS: readonly OperatorCommand[] = ['pause', 'resume', 'promote', 'abort']

/** One look at a step: the PromQL it ran, the numbers it compared and what they decided. */
export interface Analysis {
  step: number
  /** Unix ms of the window it judged (one scrape interval after the step's change → the look). */
  window: [number, number]
  queries: { requests: string; errors: string; p99: string }
  outcome: Verdict['outcome']
  reason: string
  canary: Verdict['canary']
  stable: Verdict['stable']
  minRequests: number
}

export type RolloutPhase = 'progressing' | 'paused' | 'promoting' | 'promoted' | 'aborted'

/** A progressive rollout's state, as any operator reads it (`zdd canary status`). */
export interface RolloutState {
  app: string
  stableVersion: string
  canaryVersion: string
  phase: RolloutPhase
  /** 1-based; steps.length + 1 is the promotion. */
  step: number
  steps: ShiftStep[]
  /** How traffic is split (TrafficShift.mechanism): "replica ratio", "gateway flag catalog-canary". */
  mechanism: string
  /** Where the numbers come from, e.g. "prometheus http://127.0.0.1:9090". */
  source: string
  decisionIntervalMs: number
  /** What it waits for now, in words. */
  waitingFor: string
  /** Why it paused, aborted or was promoted early. */
  reason?: string
  lastAnalysis?: Analysis
  /** The last operator command it acted on. */
  lastCommand?: { command: OperatorCommand; sentAtMs: number; atMs: number; by: string }
  /** Unix ms of this snapshot, and the process that wrote it. */
  updatedAtMs: number
  pid: number
}

/**
 * Where a rollout's state lives so that any operator can read it, and where commands reach it: a file per
 * app on the harness, annotations on the cluster's objects. The plan publishes after every change and
 * every look, and takes at most one command per check.
 */
export interface RolloutControl {
  publish(state: RolloutState): Promise<void>
  /** The command an operator left since the last call, if any (taken: it is acted on once). */
  take(): Promise<{ command: OperatorCommand; by: string; sentAtMs: number } | undefined>
}
