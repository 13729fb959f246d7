// Longer than the ~250 lines the style guide asks: one closure over the state the plan publishes (steps,
// commands, the verdicts); split, every part would take and return that state.
import type { Backend, Plan } from './backend.ts'
import type { Analysis, OperatorCommand, RolloutControl, RolloutState } from './control.ts'
import { type JudgeOptions, judge, type Sample } from './judge.ts'
import type { TrafficShift } from './shift.ts'

/** Per-version numbers over a window (Unix ms), with the queries that measured them. */
export interface WindowMeasure {
  queries: Analysis['queries']
  versions: Record<string, Sample>
}

export interface ProgressiveOptions {
  app: string
  /** How traffic moves to the canary, step by step; promotion follows the last step. */
  shift: TrafficShift
  stableVersion: string
  canaryVersion: string
  /** Between two looks at a step: the longest an automatic decision waits. */
  decisionIntervalMs: number
  /**
   * A step's window starts this long after its change took effect: one scrape interval (and a margin).
   * A window's first value is the last scrape at or before its start, so a window that started at the
   * change would count up to one interval of the previous step's split.
   */
  windowDelayMs: number
  /** An inconclusive step waits this long, then the rollout pauses and says why. */
  stepTimeoutMs: number
  /** A paused rollout waits this long for an operator before the plan ends, still paused (0: not at all). */
  holdPausedMs: number
  judge: Partial<JudgeOptions>
  /** Where the numbers come from, in words (the state's `source`). */
  source: string
  measure(fromMs: number, toMs: number): Promise<WindowMeasure>
  control: RolloutControl
}

export type ProgressiveOutcome = 'promoted' | 'aborted' | 'paused'

export interface ProgressiveDetails {
  outcome: ProgressiveOutcome
  reason: string
  source: 'prometheus'
  mechanism: string
  steps: (RolloutState['steps'][number] & { analyses: Analysis[] })[]
  /** Failed requests the canary itself answered (its 5xx): what its users paid before the verdict. */
  canaryFailures: number
  /** Every other failed request: lost to the traffic shifts themselves (0 is the goal). */
  lostToShifts: number
  /** After an abort: requests the canary still answered, and when its last answer came (ms after the abort). */
  canaryAfterAbort?: { requests: number; lastAnswerMs: number }
  /** The operators' commands it acted on: who, when sent and when taken (Unix ms). */
  commands: NonNullable<RolloutState['lastCommand']>[]
  /** Where Prometheus ran (its web UI and API), when the run started one. */
  prometheus?: string
}

const COMMAND_POLL_MS = 200

/**
 * A canary judged by metrics, step by step: at each step `shift` moves the canary's share of the traffic
 * (shift.ts: replica ratio or a weighted route), then every decision interval the step is judged (judge.ts)
 * on both versions' numbers over the same window, from the step in effect to now. pass → next step; fail →
 * abort (every request back to the stable, the canary removed); inconclusive → wait, and at the step's
 * limit pause. Operators pause, resume, promote or abort through `control`, which also carries the state
 * for anyone to read.
 */
export function progressivePlan(
  o: ProgressiveOptions,
): Plan<{ progressive: ProgressiveDetails; aborted?: string }> {
  const steps = o.shift.steps.map((step) => ({ ...step, analyses: [] as Analysis[] }))
  const state: RolloutState = {
    app: o.app,
    stableVersion: o.stableVersion,
    canaryVersion: o.canaryVersion,
    phase: 'progressing',
    step: 0,
    steps: steps.map(({ analyses: _, ...step }) => step),
    mechanism: o.shift.mechanism,
    source: o.source,
    decisionIntervalMs: o.decisionIntervalMs,
    waitingFor: 'the first step',
    updatedAtMs: Date.now(),
    pid: process.pid,
  }
  const details: ProgressiveDetails = {
    outcome: 'paused',
    reason: '',
    source: 'prometheus',
    mechanism: state.mechanism,
    steps,
    canaryFailures: 0,
    lostToShifts: 0,
    commands: [],
  }
  let abortedAtMs: number | undefined
  const publish = (change: Partial<RolloutState>) => {
    Object.assign(state, change, { updatedAtMs: Date.now() })
    return o.control.publish(state)
  }

  /** Sleeps up to `ms`, returning early with an operator's command. */
  const wait = async (b: Backend, ms: number): Promise<OperatorCommand | undefined> => {
    const until = Date.now() + ms
    for (;;) {
      const taken = await o.control.take()
      if (taken) {
        b.events.record({ type: 'operator-command', detail: `${taken.command} by ${taken.by}` })
        state.lastCommand = { ...taken, atMs: Date.now() }
        details.commands.push(state.lastCommand)
        return taken.command
      }
      const left = until - Date.now()
      if (left <= 0) return undefined
      await b.sleep(Math.min(COMMAND_POLL_MS, left))
    }
  }

  const abort = async (b: Backend, reason: string) => {
    b.phase('abort')
    b.events.record({ type: 'rollout-aborted', detail: reason })
    await publish({ phase: 'aborted', reason, waitingFor: 'the stable at full size, the canary removed' })
    abortedAtMs = b.clock()
    await o.shift.abort(b)
    details.outcome = 'aborted'
    details.reason = reason
    await publish({ waitingFor: 'nothing: aborted' })
  }

  const promote = async (b: Backend, reason: string) => {
    b.phase('promote')
    await publish({
      phase: 'promoting',
      step: steps.length + 1,
      reason,
      waitingFor: `the stable rolled to ${o.canaryVersion}`,
    })
    b.events.record({
      type: 'canary-step',
      version: o.canaryVersion,
      detail: `all: stable rolls to ${o.canaryVersion}`,
    })
    await o.shift.promote(b, o.canaryVersion)
    details.outcome = 'promoted'
    details.reason = reason
    await publish({ phase: 'promoted', waitingFor: 'nothing: promoted' })
  }

  /** Paused: waits for resume, promote or abort; returns what to do next (undefined: still paused at the end). */
  const paused = async (b: Backend, reason: string): Promise<'resume' | 'promote' | 'abort' | undefined> => {
    b.phase('paused')
    b.events.record({ type: 'rollout-paused', detail: reason })
    await publish({ phase: 'paused', reason, waitingFor: 'an operator: zdd canary resume | promote | abort' })
    const holdUntil = Date.now() + o.holdPausedMs
    for (;;) {
      const command = await wait(b, Math.max(0, holdUntil - Date.now()))
      if (command === 'resume' || command === 'promote' || command === 'abort') return command
      if (command === undefined) {
        details.outcome = 'paused'
        details.reason = reason
        return undefined
      }
    }
  }

  /** One step: its pods, then looks until a verdict or a command; what the rollout does next. */
  const runStep = async (b: Backend, index: number): Promise<'next' | 'promote' | 'abort' | 'paused'> => {
    const step = steps[index] as (typeof steps)[number]
    b.phase(`step ${index + 1}/${steps.length + 1}`)
    await publish({
      step: index + 1,
      waitingFor: `${step.weightPercent} % of the traffic on the canary (${o.shift.mechanism})`,
    })
    b.events.record({
      type: 'canary-step',
      version: o.canaryVersion,
      detail: `${step.weightPercent} % to ${o.canaryVersion} by ${o.shift.mechanism}: ${step.canaryReplicas} canary and ${step.stableReplicas} stable pods`,
    })
    await o.shift.toStep(b, index)
    let fromMs = Date.now() + o.windowDelayMs
    let stepStartMs = fromMs
    for (;;) {
      await publish({
        phase: 'progressing',
        waitingFor: `the next look at step ${index + 1} (every ${o.decisionIntervalMs} ms)`,
      })
      const command = await wait(b, o.decisionIntervalMs)
      if (command === 'abort') return 'abort'
      if (command === 'promote') return 'promote'
      if (command === 'pause') {
        const next = await paused(b, `paused by ${state.lastCommand?.by ?? 'an operator'}`)
        if (next !== 'resume') return next ?? 'paused'
        await publish({ phase: 'progressing', reason: undefined })
        fromMs = Date.now()
        stepStartMs = fromMs
        continue
      }
      const toMs = Date.now()
      // A look before the window opened (a decision interval shorter than a scrape): wait for the next.
      if (toMs <= fromMs) continue
      const measured = await o.measure(fromMs, toMs)
      const none = { requests: 0, errors: 0, p99Ms: 0 }
      const verdict = judge(
        measured.versions[o.canaryVersion] ?? none,
        measured.versions[o.stableVersion] ?? none,
        o.judge,
      )
      const analysis: Analysis = {
        step: index + 1,
        window: [fromMs, toMs],
        queries: measured.queries,
        outcome: verdict.outcome,
        reason: verdict.reason,
        canary: verdict.canary,
        stable: verdict.stable,
        minRequests: verdict.minRequests,
      }
      step.analyses.push(analysis)
      b.events.record({
        type: 'canary-analysis',
        version: o.canaryVersion,
        detail: `step ${index + 1}: ${verdict.outcome}: ${verdict.reason}`,
      })
      await publish({ lastAnalysis: analysis })
      if (verdict.outcome === 'pass') return 'next'
      if (verdict.outcome === 'fail') {
        details.reason = `canary failed its analysis at step ${index + 1}: ${verdict.reason}`
        return 'abort'
      }
      if (Date.now() - stepStartMs >= o.stepTimeoutMs) {
        const next = await paused(
          b,
          `step ${index + 1} stayed inconclusive for ${o.stepTimeoutMs} ms: ${verdict.reason}`,
        )
        if (next !== 'resume') return next ?? 'paused'
        await publish({ phase: 'progressing', reason: undefined })
        stepStartMs = Date.now()
      }
    }
  }

  return {
    name: 'progressive',
    description: `progressive canary: ${steps.map((s) => `${s.weightPercent}%`).join(' → ')} → 100%, each step judged by ${o.source}`,
    toVersion: o.canaryVersion,
    async execute(b) {
      await publish({})
      for (let index = 0; index < steps.length; index++) {
        const next = await runStep(b, index)
        if (next === 'next') continue
        if (next === 'paused') return
        if (next === 'abort') {
          const by = state.lastCommand?.command === 'abort' ? `aborted by ${state.lastCommand.by}` : undefined
          return abort(b, by ?? details.reason)
        }
        return promote(b, `promoted by ${state.lastCommand?.by ?? 'an operator'} at step ${index + 1}`)
      }
      await promote(b, `every step passed its analysis (${steps.length} steps)`)
    },
    details(b) {
      details.canaryFailures = 0
      details.lostToShifts = 0
      if (abortedAtMs !== undefined) {
        const answered = b
          .records()
          .filter((r) => r.version === o.canaryVersion && r.tMs >= (abortedAtMs ?? 0))
        const last = Math.max(abortedAtMs, ...answered.map((r) => r.tMs + r.latencyMs))
        details.canaryAfterAbort = { requests: answered.length, lastAnswerMs: Math.round(last - abortedAtMs) }
      }
      for (const r of b.records()) {
        if (!r.failure) continue
        if (r.version === o.canaryVersion && (r.status ?? 0) >= 500) details.canaryFailures += 1
        else details.lostToShifts += 1
      }
      return { progressive: details, ...(details.outcome === 'aborted' ? { aborted: details.reason } : {}) }
    },
  }
}
