import type { ProgressSnapshot, RolloutEvent, RolloutReport } from '@zdd/rollout'

const BAR_WIDTH = 20

/** A one-line live view for people: elapsed, requests, failures by kind, share per version (last second). */
export function progressLine(s: ProgressSnapshot): string {
  const failures = Object.entries(s.failures)
    .map(([kind, n]) => `${kind}=${n}`)
    .join(' ')
  const recentTotal = Object.values(s.recentVersions).reduce((a, b) => a + b, 0)
  const shares = Object.entries(s.recentVersions)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([version, n]) => {
      const share = recentTotal === 0 ? 0 : n / recentTotal
      const filled = Math.round(share * BAR_WIDTH)
      return `${version} ${'█'.repeat(filled)}${'░'.repeat(BAR_WIDTH - filled)} ${Math.round(share * 100)}%`
    })
    .join('  ')
  const clock = `${(s.elapsedMs / 1000).toFixed(1)}s`.padStart(6)
  return `${clock} ${s.phase.padEnd(8)} ${String(s.recentRps).padStart(5)} req/s  sent ${s.total}  ok ${s.ok}  failed ${s.failed}${failures ? ` (${failures})` : ''}  ${shares}`
}

export function eventLine(event: RolloutEvent): string {
  const subject = [event.pod, event.detail].filter(Boolean).join(' ')
  return `${`${(event.tMs / 1000).toFixed(1)}s`.padStart(6)} ${event.type.padEnd(17)} ${subject}`
}

/** Events worth a line of their own in the live view (the rest go to --json). */
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
])

export function summary(report: RolloutReport): string {
  const lines = [
    '',
    `${report.strategy} rollout${report.unprepared ? ' (UNPREPARED control)' : ''}: ${report.parameters.fromVersion} → ${report.parameters.toVersion}, ${report.parameters.replicas} replicas, ${report.parameters.rps} req/s, propagation ${report.parameters.propagationDelayMs}±${report.parameters.propagationJitterMs} ms, shutdown delay ${report.parameters.shutdownDelayMs} ms`,
    `  requests  ${report.total} sent, ${report.ok} ok, ${report.failed} failed${formatKinds(report.failures)}`,
    `  phases    before ${phase(report.phases.before)} | during ${phase(report.phases.during)} | after ${phase(report.phases.after)}`,
    `  versions  ${Object.entries(report.versions)
      .map(([v, n]) => `${v}=${n}`)
      .join(' ')}`,
    `  latency   p50 ${report.latencyMs.p50} ms, p99 ${report.latencyMs.p99} ms, max ${report.latencyMs.max} ms`,
    `  pods      ${report.terminations.map((t) => `${t.pod} exit ${t.exitCode ?? t.signal} in ${t.durationMs} ms${t.sigkill ? ' (SIGKILL)' : ''}`).join('; ')}`,
    `  final     ${report.finalPods.map((p) => `${p.name}=${p.version}${p.ready ? '' : ' (not ready)'}`).join(' ')}`,
    ...downtime(report),
    `  balancer  ${report.balancer.connections} connections, ${report.balancer.noEndpoint} with no endpoint, upstream errors ${JSON.stringify(report.balancer.upstreamErrors)}`,
    '',
    report.failed === 0
      ? `ZERO LOSS: all ${report.total} requests succeeded during the rollout.`
      : `LOST ${report.failed} of ${report.total} requests (${((100 * report.failed) / Math.max(1, report.total)).toFixed(2)}%).`,
  ]
  return lines.join('\n')
}

function phase(t: { total: number; failed: number }): string {
  return `${t.failed}/${t.total} failed`
}

function formatKinds(failures: Record<string, number | undefined>): string {
  const entries = Object.entries(failures).filter(([, n]) => n)
  return entries.length ? ` (${entries.map(([k, n]) => `${k} ${n}`).join(', ')})` : ''
}

function downtime(report: RolloutReport): string[] {
  if (report.downtime.totalMs === 0) return []
  const windows = report.downtime.windows.map(
    (w) => `${(w.fromMs / 1000).toFixed(1)}s–${(w.toMs / 1000).toFixed(1)}s`,
  )
  return [
    `  downtime  no endpoint for ${Math.round(report.downtime.totalMs)} ms (${windows.join(', ')})`,
    report.strategy === 'recreate'
      ? '            Recreate deletes every old pod before it creates new ones: until a new pod is ready and its endpoint has propagated, the Service has nowhere to send a connection, however well each pod drains.'
      : '            every endpoint was gone at once: no replica could take the traffic.',
  ]
}
