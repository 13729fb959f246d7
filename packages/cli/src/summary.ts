import type { RolloutReport, Scenario } from '@zdd/rollout'
import { appHeadline, appLines } from './summary-app.ts'
import { clusterHeadline, clusterLines, isCluster } from './summary-cluster.ts'
import { progressiveLines, progressiveVerdict } from './summary-progressive.ts'

const INDENT = '            '

/** The report a person keeps reading after the run: what happened, what it cost, and why. */
export function summary(report: RolloutReport): string {
  const lines = [
    '',
    headline(report),
    `  requests  ${report.total} sent, ${report.ok} ok, ${report.failed} failed${formatKinds(report.failures)}`,
    `  phases    before ${phase(report.phases.before)} | during ${phase(report.phases.during)} | after ${phase(report.phases.after)}`,
    `  versions  ${Object.entries(report.versions)
      .map(([v, n]) => `${v}=${n}`)
      .join(' ')}`,
    ...failuresByVersion(report),
    `  latency   p50 ${report.latencyMs.p50} ms, p99 ${report.latencyMs.p99} ms, max ${report.latencyMs.max} ms`,
    `  duration  change ${seconds(report.rolloutMs)}, whole run ${seconds(report.durationMs)}`,
    ...(report.prometheus
      ? [
          `  metrics   prometheus at ${report.prometheus} scraped every pod's /metrics each second (stopped with the run)`,
        ]
      : []),
    ...strategyLines(report),
    // On the cluster: from the deletion to the container's exit as the kubelet reported it.
    `  pods      ${report.terminations.map((t) => `${t.pod} exit ${t.exitCode ?? t.signal ?? '?'} in ${t.durationMs} ms${t.sigkill ? ' (SIGKILL)' : ''}`).join('; ') || 'none stopped'}`,
    `  final     ${report.finalPods.map((p) => `${p.name}=${p.version}${p.ready ? '' : ' (not ready)'}`).join(' ')}`,
    ...downtime(report),
    ...(isCluster(report)
      ? []
      : [
          `  balancer  ${report.balancer.connections} connections, ${report.balancer.noEndpoint} with no endpoint, upstream errors ${JSON.stringify(report.balancer.upstreamErrors)}`,
        ]),
    ...why(report),
    '',
    progressiveVerdict(report) ??
      (report.failed === 0
        ? `ZERO LOSS: all ${report.total} requests succeeded during the rollout.`
        : `LOST ${report.failed} of ${report.total} requests (${((100 * report.failed) / Math.max(1, report.total)).toFixed(2)}%).`),
    ...(report.progressive ? [] : report.aborted ? [`ABORTED: ${report.aborted}`] : []),
  ]
  return lines.join('\n')
}

function headline(r: RolloutReport): string {
  const app = appHeadline(r)
  if (app) return app
  const p = r.parameters
  if (p.backend === 'cluster') return clusterHeadline(r)
  const change =
    r.strategy === 'node-drain' ? `${p.fromVersion}, a node drained` : `${p.fromVersion} → ${p.toVersion}`
  const churn = p.maxRequestsPerConnection
    ? `, connections closed after ${p.maxRequestsPerConnection} requests`
    : ''
  return `${r.strategy} rollout${r.unprepared ? ' (UNPREPARED control)' : ''}: ${change}, ${p.replicas} replicas, ${p.rps} req/s${churn}, propagation ${p.propagationDelayMs}±${p.propagationJitterMs} ms, ${drainText(r)}`
}

function strategyLines(r: RolloutReport): string[] {
  const lines: string[] = []
  const bg = r.blueGreen
  if (bg) {
    if (bg.preview) {
      const ok = bg.preview.checks.filter((c) => c.status !== null && c.status < 300).length
      lines.push(
        `  preview   ${ok}/${bg.preview.checks.length} green pods answered ${bg.preview.ok ? 'correctly' : 'WRONG'}`,
      )
    }
    if (bg.switchedAtMs !== undefined) {
      lines.push(
        `  switch    selector → green at ${seconds(bg.switchedAtMs)}; the old colour kept ${bg.scaleDownDelayMs} ms, then stopped`,
        `${INDENT}${bg.servedByIdleColour} responses came from the colour switched away from: kube-proxy moves new connections only, open ones move when it closes them`,
      )
    }
    if (bg.rolledBackAtMs !== undefined)
      lines.push(`  rollback  selector back → blue at ${seconds(bg.rolledBackAtMs)}, green stopped`)
  }
  const canary = r.canary
  if (canary) {
    canary.steps.forEach((step, i) => {
      const share = Object.entries(step.share)
        .map(([v, s]) => `${v} ${Math.round(s * 100)}%`)
        .join(' ')
      lines.push(
        `${i === 0 ? '  steps     ' : INDENT}${step.step.padEnd(8)} share ${share.padEnd(16)} ${step.failed}/${step.total} failed (${step.errorPercent}%)`,
      )
    })
    lines.push(
      `${INDENT}${canary.promoted ? 'promoted: the stable rolled to the new version, the canary was removed' : 'not promoted'}`,
    )
  }
  const drain = r.drain
  if (drain) {
    lines.push(
      `  nodes     ${layout(drain.before)} (${drain.placement}, ${drain.pdb ? `PDB ${drain.pdb}` : 'no PDB'})`,
      `  drain     ${drain.node}: ${drain.evicted.length} pod(s) evicted, ${drain.refusals} eviction(s) refused (429, disruption budget), drained in ${seconds(drain.drainMs)}; every replica available again after ${seconds(drain.recoveredMs)}`,
      `  after     ${layout(drain.after)}`,
    )
  }
  return [...lines, ...progressiveLines(r), ...appLines(r), ...clusterLines(r)]
}

/** Why requests were lost, in the terms of docs/zero-downtime.md. */
function why(r: RolloutReport): string[] {
  if (r.failed === 0 || r.strategy === 'recreate') return []
  const lines: string[] = []
  if (r.unprepared && isCluster(r)) {
    lines.push(
      '  why       the unprepared pods close their listener on SIGTERM, while kube-proxy still sends them new connections until the endpoint removal reaches its rules: those are refused, and requests racing the close on open keep-alive connections are reset',
    )
  } else if (r.unprepared) {
    const scenario = r.parameters.scenario as Scenario | undefined
    const what = scenario?.kind === 'gateway-rolling' && scenario.roll === 'gateway' ? 'gateway' : 'service'
    lines.push(
      `  why       the unprepared ${what} closes its listener on SIGTERM, while routers keep sending it new connections until the endpoint removal has propagated (~${r.parameters.propagationDelayMs} ms): those are refused or reset, and requests racing the close on open keep-alive connections are reset`,
    )
  }
  if (r.drain && (!r.drain.pdb || r.drain.placement === 'packed')) {
    const evictedAtOnce =
      r.drain.refusals === 0 ? `all ${r.drain.evicted.length} evictions were accepted at once` : ''
    lines.push(
      `${lines.length ? INDENT : '  why       '}${r.drain.evicted.length} of ${r.parameters.replicas} replicas ran on ${r.drain.node}${r.drain.pdb ? '' : ' and with no disruption budget'} ${evictedAtOnce}: the Service lost them before their replacements were ready`,
    )
  }
  return lines
}

function failuresByVersion(r: RolloutReport): string[] {
  if (r.failed === 0) return []
  const parts = Object.entries(r.perVersion)
    .filter(([, n]) => n.failed > 0)
    .map(([v, n]) => `${v} ${n.failed}`)
  return [`  failed by version of the pod reached: ${parts.join(', ')}`]
}

function layout(nodes: Record<string, string[]>): string {
  return Object.entries(nodes)
    .map(([node, pods]) => `${node}: ${pods.length ? pods.join(', ') : '-'}`)
    .join(' | ')
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`
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
      ? `${INDENT}Recreate deletes every old pod before it creates new ones: until a new pod is ready and its endpoint has propagated, the Service has nowhere to send a connection, however well each pod drains.`
      : `${INDENT}every endpoint was gone at once: no replica could take the traffic.`,
  ]
}

/** How the pods drained: none (the control), or the adaptive drain after the least delay given. */
function drainText(r: RolloutReport): string {
  if (r.unprepared) return 'no drain (closes at SIGTERM)'
  const least = Number(r.parameters.shutdownDelayMs ?? 0)
  if (r.parameters.shutdownQuietMs === 0) return `drain: fixed, ${least} ms`
  return least > 0
    ? `drain: at least ${least} ms, then until 1 s without new connections`
    : 'drain: until 1 s without new connections (the lifecycle defaults)'
}
