import type { RolloutReport } from '@zdd/rollout'

/** A small but complete report, as a canary run would write it (numbers made up, shapes real). */
export function canaryReport(overrides: Partial<RolloutReport> = {}): RolloutReport {
  const bucket = (tMs: number, v1: number, v2: number, failed = 0) => ({
    tMs,
    sent: v1 + v2 + failed,
    ok: v1 + v2,
    failed,
    versions: { ...(v1 ? { v1 } : {}), ...(v2 ? { v2 } : {}) },
    failures: failed ? { reset: failed } : {},
  })
  const tally = { total: 600, ok: 598, failed: 2, failures: { reset: 2 }, versions: { v1: 400, v2: 198 } }
  return {
    strategy: 'canary',
    unprepared: false,
    durationMs: 4000,
    rolloutMs: 2000,
    ...tally,
    latencyMs: { p50: 1, p99: 5, max: 9 },
    phases: { before: tally, during: tally, after: tally },
    parameters: {
      fromVersion: 'v1',
      toVersion: 'v2',
      replicas: 4,
      rps: 200,
      propagationDelayMs: 1000,
      propagationJitterMs: 250,
      shutdownDelayMs: 1750,
      maxRequestsPerConnection: 10,
      node: 'v24',
    },
    finalPods: [{ name: 'catalog-stable-v2-0005', version: 'v2', ready: true }],
    terminations: [
      {
        pod: 'catalog-stable-v1-0001',
        version: 'v1',
        exitCode: 0,
        signal: null,
        sigkill: false,
        durationMs: 1760,
      },
    ],
    balancer: { connections: 40, noEndpoint: 0, upstreamErrors: {} },
    downtime: { windows: [], totalMs: 0 },
    events: [
      { tMs: 1000, type: 'load-started' },
      { tMs: 1500, type: 'rollout-started', detail: 'canary: 1 of 4 → all' },
      { tMs: 1500, type: 'canary-step', detail: '1 of 4 pods on v2' },
      { tMs: 1600, type: 'pod-created', pod: 'catalog-canary-v2-0001' },
      { tMs: 2000, type: 'pod-ready', pod: 'catalog-canary-v2-0001' },
      { tMs: 3500, type: 'rollout-complete', detail: '<script>alert(1)</script>' },
    ],
    perVersion: { v1: { ok: 400, failed: 2 }, v2: { ok: 198, failed: 0 } },
    timeline: {
      bucketMs: 250,
      endMs: 4000,
      buckets: [1000, 1250, 1500, 1750, 2000, 2250, 2500, 2750, 3000, 3250, 3500, 3750].map((t, i) =>
        bucket(t, 50 - i * 4, i * 4, i === 5 ? 2 : 0),
      ),
    },
    canary: {
      maxErrorPercent: 0,
      promoted: true,
      steps: [
        {
          step: '1 of 4',
          canaryReplicas: 1,
          stableReplicas: 3,
          fromMs: 1500,
          toMs: 2500,
          total: 200,
          failed: 0,
          errorPercent: 0,
          share: { v1: 0.76, v2: 0.24 },
          perVersion: {},
        },
        {
          step: 'all',
          canaryReplicas: 0,
          stableReplicas: 4,
          fromMs: 2500,
          toMs: 3500,
          total: 200,
          failed: 2,
          errorPercent: 1,
          share: { v2: 1 },
          perVersion: {},
        },
      ],
    },
    ...overrides,
  }
}
