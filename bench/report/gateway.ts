import { type CpuProfileSummary, type GatewayResults, TARGETS, type TargetName } from '../gateway/run.ts'
import type { LoadgenResult } from '../lib/loadgen.ts'
import { median, ratio } from '../lib/stats.ts'
import { machineLine, ms, num, pct, type TargetCheck, table } from './md.ts'

type Results = GatewayResults & { covers?: string; profileName?: string }

interface Summary {
  rps: number
  p50: number
  p99: number
  errors: number
  cpu: number
}

function summary(runs: LoadgenResult[] | undefined): Summary | undefined {
  if (!runs?.length) return undefined
  return {
    rps: median(runs.map((r) => r.rps)),
    p50: median(runs.map((r) => r.latencyMs.p50)),
    p99: median(runs.map((r) => r.latencyMs.p99)),
    errors: runs.reduce((n, r) => n + Object.values(r.errors).reduce((a, b) => a + b, 0), 0),
    cpu: median(runs.map((r) => r.cpuPercent)),
  }
}

export function gatewaySection(r: Results): { markdown: string; checks: TargetCheck[]; headline: string } {
  const targets = TARGETS.filter((t) => r.max[t.name])
  const max = new Map(targets.map((t) => [t.name, summary(r.max[t.name]) as Summary]))
  const fixed = new Map(targets.map((t) => [t.name, summary(r.fixed[t.name])]))
  const get = (m: Map<TargetName, Summary | undefined>, name: TargetName) => m.get(name)
  const cpu = (name: TargetName, side: 'front' | 'upstream') => {
    const runs = r.cpuPerRequestUs?.[name]
    return runs?.length ? median(runs.map((x) => x[side])) : undefined
  }
  const direct = get(max, 'direct')
  const bare = get(max, 'bare-proxy')
  const fixedDirect = get(fixed, 'direct')
  const fixedBare = get(fixed, 'bare-proxy')
  const p = r.params
  const out: string[] = []
  out.push('## 2. Gateway overhead: direct, through the gateway, a bare Node proxy, HAProxy')
  out.push(machineLine(r.machine, r.profileName, r.durationMs))
  out.push(
    `Load generator: ${r.loadgen}. ${p.connections} connections, ${num(p.warmupMs / 1000, 1)} s warm-up then ${num(p.durationMs / 1000, 1)} s measured, ` +
      `${p.rounds} round${p.rounds > 1 ? 's' : ''} (medians shown), every request naming one of ${num(p.users)} users (\`x-zdd-user\`). ` +
      'Upstream: the catalog (built, `node dist/main.js`), a second catalog as the A/B variant `b` and the shadow target. ' +
      'The gateway (built) runs with a route table of three routes: `/plain` (no flags), `/ab` (the `recommendations-ab` variant picks the upstream, 50/50), ' +
      '`/shadow` (every GET mirrored to the second catalog while `recommendations-shadow` is on, answers compared). ' +
      `Bare proxy: \`@fastify/http-proxy\` with its defaults (bench/gateway/bare-proxy.ts). HAProxy: ${'version' in r.haproxy ? r.haproxy.version.replace(/ - https?:\S+/, '') : `not run (${r.haproxy.missing})`}, one thread (bench/gateway/haproxy.ts). ` +
      "All processes (generator, proxies, catalogs) share the same 2 cores, so the generator's own CPU use is shown.",
  )
  out.push('### Max throughput (closed loop)')
  out.push(
    table(
      [
        'target',
        'req/s',
        'vs direct',
        'vs bare proxy',
        'p50',
        'p99',
        'errors',
        'CPU per request: proxy (catalog)',
        'generator CPU',
      ],
      targets.map((t) => {
        const s = max.get(t.name) as Summary
        const front = cpu(t.name, 'front')
        const upstream = cpu(t.name, 'upstream')
        return [
          t.label,
          num(s.rps),
          pct(ratio(s.rps, direct?.rps ?? 0)),
          pct(ratio(s.rps, bare?.rps ?? 0)),
          ms(s.p50, 2),
          ms(s.p99, 2),
          num(s.errors),
          t.name === 'direct' ? `– (${num(front)} µs)` : `${num(front)} µs (${num(upstream)} µs)`,
          `${num(s.cpu)} %`,
        ]
      }),
    ),
  )
  out.push(
    'CPU per request: CPU time (user + system, from /proc) of the process the generator talks to, and of the upstream catalog in brackets, over the whole max-throughput run divided by the requests it completed. ' +
      'It depends much less on what else runs on the machine than req/s does, and it shows where the cost is.',
  )
  out.push(
    `### Fixed rate: ${num(r.fixedRps)} req/s (${pct(p.fixedShare)} of the gateway's max on the plain route), open loop`,
  )
  const loop = (name: TargetName) => {
    const runs = r.fixedLoopDelay?.[name]
    if (!runs?.length) return '–'
    return `${ms(median(runs.map((d) => d.p99Ms)), 2)} / ${ms(median(runs.map((d) => d.maxMs)), 1)}`
  }
  const hasLoop = r.fixedLoopDelay !== undefined
  out.push(
    table(
      [
        'target',
        'p50',
        'p99',
        'p99 added vs direct',
        'p50 vs bare proxy',
        'p99 vs bare proxy',
        'errors',
        ...(hasLoop ? ['event-loop delay p99 / max (answering process)'] : []),
      ],
      targets.map((t) => {
        const s = fixed.get(t.name)
        if (!s) return [t.label, '–', '–', '–', '–', '–', '–', ...(hasLoop ? ['–'] : [])]
        return [
          t.label,
          ms(s.p50, 2),
          ms(s.p99, 2),
          fixedDirect
            ? `${s.p99 - fixedDirect.p99 >= 0 ? '+' : ''}${num(s.p99 - fixedDirect.p99, 2)} ms`
            : '–',
          pct(ratio(s.p50, fixedBare?.p50 ?? 0)),
          pct(ratio(s.p99, fixedBare?.p99 ?? 0)),
          num(s.errors),
          ...(hasLoop ? [loop(t.name)] : []),
        ]
      }),
    ),
  )
  if (hasLoop) {
    out.push(
      "Event-loop delay: how late the answering process's event loop ran during the run (prom-client's `nodejs_eventloop_lag_*` from its /metrics, scraped right before and right after, less its 10 ms sampling interval; medians over the rounds). " +
        'A request that arrives while the loop is late waits that long before the process reads it, so where the loop delay p99 is close to the p99 added over direct, the added tail is requests queued behind the process (its own work, or the other processes on the 2 cores), not time spent on them. The bare proxy and HAProxy expose no such metric.',
    )
  }
  const again = summary(r.fixedDirectRepeat)
  const first = get(fixed, 'direct')
  if (again && first) {
    out.push(
      `Noise: the direct run repeated at the end of the round had p99 ${ms(again.p99, 2)} (first: ${ms(first.p99, 2)}); p99 differences smaller than that gap are within what the machine does between two identical runs.`,
    )
  }
  const shadowEntries = Object.entries(r.shadow)
  if (shadowEntries.length) {
    out.push(
      `Shadow, over the whole run: ${shadowEntries.map(([k, v]) => `\`${k}\` ${num(v)}`).join(', ')}. ` +
        'Beyond `GATEWAY_SHADOW_CONCURRENCY` (16) exchanges in flight, requests are not mirrored (`busy`): at max throughput most are not.',
    )
  }
  if (r.profile) {
    out.push('### Where the CPU goes (V8 CPU profile at max load, plain route)')
    out.push(
      "Share of CPU time by the package whose code made the call: Node's own work (socket reads and writes, HTTP parsing) is charged to its nearest caller in a package, " +
        'and stays `node: internals` when the event loop itself started it (incoming data); start-up and warm-up are left out.' +
        (r.profileAttribution === 'module'
          ? ' The gateway runs bundled (packages/bundle): each line of its dist/main.js is charged to the module it came from.'
          : " **In this run the gateway ran bundled (packages/bundle) and its profile was attributed by file: `@zdd/gateway` here holds every module bundled into its dist/main.js (fastify, undici, prom-client, the flags and lifecycle packages and its own code); the bare proxy's row is by package.** The next run attributes each bundled line to its module."),
    )
    const rows: Array<[string, CpuProfileSummary | undefined]> = [
      ['gateway', r.profile],
      ['bare proxy', r.bareProfile],
    ]
    out.push(
      table(
        ['process', 'req/s while profiled', 'CPU by owner', 'hottest functions (self time)'],
        rows.flatMap(([name, prof]) =>
          prof
            ? [
                [
                  name,
                  num(prof.rps),
                  prof.byOwner.map((o) => `${o.name} ${pct(o.share)}`).join(', '),
                  prof.byFunction
                    .slice(0, 6)
                    .map((o) => `\`${o.name}\` ${pct(o.share, 1)}`)
                    .join(', '),
                ],
              ]
            : [],
        ),
      ),
    )
  }
  const plain = max.get('gateway-plain')
  const plainFixed = fixed.get('gateway-plain')
  const checks: TargetCheck[] = []
  const gatewayCpu = cpu('gateway-plain', 'front')
  const bareCpu = cpu('bare-proxy', 'front')
  const limits =
    (gatewayCpu !== undefined && bareCpu !== undefined
      ? `; it spends ${num(gatewayCpu)} µs of CPU per request where the bare proxy spends ${num(bareCpu)} µs`
      : '') +
    (r.profile?.byOwner.length
      ? `; under max load its CPU goes to ${r.profile.byOwner
          .slice(0, 5)
          .map((o) => `${o.name} ${pct(o.share)}`)
          .join(', ')}`
      : '')
  if (plain && bare) {
    const share = plain.rps / bare.rps
    checks.push({
      target: "gateway ≥ 90 % of the bare proxy's max throughput",
      measured: `${num(plain.rps)} vs ${num(bare.rps)} req/s = ${pct(share)}`,
      met: share >= 0.9,
      note:
        share >= 0.9
          ? `margin ${num((share - 0.9) * 100)} points`
          : `missed by ${num((0.9 - share) * 100)} points: the gateway does per request what the bare proxy does not (flag context and user cookie, route decision, baggage and forwarded headers, RED and upstream metrics, lifecycle hooks)${limits}`,
    })
  }
  const repeat = summary(r.fixedDirectRepeat)
  const noise = repeat && fixedDirect ? Math.abs(repeat.p99 - fixedDirect.p99) : undefined
  if (plainFixed && fixedDirect) {
    const added = plainFixed.p99 - fixedDirect.p99
    checks.push({
      target: '≤ 1 ms added p99 at half of max load',
      measured: `p99 ${num(plainFixed.p99, 2)} ms vs ${num(fixedDirect.p99, 2)} ms direct at ${num(r.fixedRps)} req/s: +${num(added, 2)} ms`,
      met: added <= 1,
      note:
        added <= 1
          ? `margin ${num(1 - added, 2)} ms`
          : `missed by ${num(added - 1, 2)} ms` +
            (noise !== undefined
              ? ` (direct's own p99 moved by ${num(noise, 2)} ms between two identical runs in this round: differences below that are noise)`
              : '') +
            `; p50 added: ${num(plainFixed.p50 - fixedDirect.p50, 2)} ms; the bare proxy's p99 at the same rate: ${fixedBare ? ms(fixedBare.p99, 2) : '–'}`,
    })
  }
  if (plainFixed && fixedBare) {
    const over = plainFixed.p99 - fixedBare.p99
    const withinNoise = noise !== undefined && over > 0 && over <= noise
    const gatewayLoopRuns = r.fixedLoopDelay?.['gateway-plain']
    const gatewayLoop = gatewayLoopRuns?.length ? median(gatewayLoopRuns.map((d) => d.p99Ms)) : undefined
    checks.push({
      target: "p99 at half of max load ≤ the bare proxy's, measured in the same round",
      measured: `p99 ${num(plainFixed.p99, 2)} ms vs ${num(fixedBare.p99, 2)} ms (bare @fastify/http-proxy) at ${num(r.fixedRps)} req/s: ${over > 0 ? '+' : ''}${num(over, 2)} ms`,
      met: over <= 0,
      note:
        (over <= 0 ? `margin ${num(-over, 2)} ms` : `missed by ${num(over, 2)} ms`) +
        (noise !== undefined
          ? `; direct's own p99 moved by ${num(noise, 2)} ms between two identical runs in this round${withinNoise ? ', so the difference is within noise' : ''}`
          : '') +
        '; both proxies share 2 cores with the generator and the catalog, so their p99 is queueing behind the other processes (see "Where the CPU goes")' +
        (gatewayLoop
          ? `; the gateway's event loop ran late by ${num(gatewayLoop, 2)} ms at p99 during its run (see "Fixed rate")`
          : ''),
    })
  }
  const headline =
    plain && bare && direct
      ? `Gateway (plain route): ${num(plain.rps)} req/s max = ${pct(plain.rps / bare.rps)} of a bare \`@fastify/http-proxy\` and ${pct(plain.rps / direct.rps)} of direct` +
        (plainFixed && fixedDirect
          ? `; p99 +${num(plainFixed.p99 - fixedDirect.p99, 2)} ms over direct at ${num(r.fixedRps)} req/s.`
          : '.')
      : ''
  return { markdown: out.join('\n\n'), checks, headline }
}
