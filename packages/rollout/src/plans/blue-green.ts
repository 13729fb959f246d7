import type { Plan } from './backend.ts'

/** One pod's answer to the preview check: its status (null: no answer) and the version it named. */
export interface PreviewCheck {
  pod: string
  status: number | null
  version?: string
  error?: string
}

/** The preview check before a blue-green switch: every pod of the idle colour answered 2xx from its version. */
export interface PreviewResult {
  ok: boolean
  checks: PreviewCheck[]
}

export interface BlueGreenDetails {
  scaleDownDelayMs: number
  preview?: PreviewResult
  /** When the selector moved to green, and back to blue on a rollback (harness clock). */
  switchedAtMs?: number
  rolledBackAtMs?: number
  /** The colour the Service selects at the end. */
  active: 'blue' | 'green'
  /** Responses from the colour that had been switched away from: keep-alive connections opened before. */
  servedByIdleColour: number
}

export interface BlueGreenOptions {
  /** The Service; its Deployments are `<service>-blue` and `<service>-green`. */
  service: string
  replicas: number
  fromVersion: string
  toVersion: string
  scaleDownDelayMs: number
  rollback: boolean
  /** Runs once green is up, before the switch; a reason stops the rollout there (green removed). */
  beforeSwitch?: () => Promise<{ reason?: string; preview?: PreviewResult }>
}

/**
 * Blue-green with two Deployments and one Service: green comes up next to blue (optionally checked), the
 * Service's selector moves to green, blue stays for the scale-down delay (routers still on the old
 * endpoints, keep-alive connections still open) and is then scaled to zero; with rollback, the selector
 * moves back after the delay and green goes instead.
 */
export function blueGreenPlan(o: BlueGreenOptions): Plan<{ blueGreen: BlueGreenDetails; aborted?: string }> {
  const details: BlueGreenDetails = {
    scaleDownDelayMs: o.scaleDownDelayMs,
    active: 'blue',
    servedByIdleColour: 0,
  }
  let aborted: string | undefined
  const blue = `${o.service}-blue`
  const green = `${o.service}-green`
  const select = async (b: Parameters<Plan<unknown>['execute']>[0], colour: 'blue' | 'green') => {
    await b.selectColour(o.service, colour, `${o.service}: color=${details.active} → color=${colour}`)
    details.active = colour
  }
  return {
    name: 'blue-green',
    description: `blue-green: selector switch, scale-down delay ${o.scaleDownDelayMs} ms${o.rollback ? ', then roll back' : ''}`,
    toVersion: o.toVersion,
    async execute(b) {
      b.phase('green up')
      await b.scale(green, o.replicas)
      if (o.beforeSwitch) {
        b.phase('preview')
        const check = await o.beforeSwitch()
        if (check.preview) details.preview = check.preview
        if (check.reason) {
          aborted = `${check.reason}; green stopped, blue still live`
          b.events.record({ type: 'rollout-aborted', detail: aborted })
          b.phase('green down')
          await b.scale(green, 0)
          return
        }
      }
      await select(b, 'green')
      details.switchedAtMs = Math.round(b.clock())
      b.phase('blue kept')
      await b.sleep(o.scaleDownDelayMs)
      if (!o.rollback) {
        b.phase('blue down')
        return b.scale(blue, 0)
      }
      await select(b, 'blue')
      details.rolledBackAtMs = Math.round(b.clock())
      b.phase('green kept')
      await b.sleep(o.scaleDownDelayMs)
      b.phase('green down')
      await b.scale(green, 0)
    },
    details(b) {
      // After a switch, the colour switched away from keeps answering on the connections it already holds.
      const rollback = details.rolledBackAtMs ?? Number.POSITIVE_INFINITY
      const idleVersion = (t: number) => (t >= rollback ? o.toVersion : o.fromVersion)
      const since = details.switchedAtMs ?? Number.POSITIVE_INFINITY
      details.servedByIdleColour = b
        .records()
        .filter((r) => r.tMs >= since && !r.failure && r.version === idleVersion(r.tMs)).length
      return { blueGreen: details, ...(aborted ? { aborted } : {}) }
    },
  }
}
