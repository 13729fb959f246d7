import type { StartupResults } from '../startup/run.ts'
import { machineLine, ms, num, type TargetCheck, table } from './md.ts'

type Results = StartupResults & { profileName?: string }

const READY_TARGET_MS = 300
/** The issue's "80 MB", read as MiB as RSS is reported by the kernel (kB = KiB). */
const RSS_TARGET_MIB = 80
/** Relative to the bare Fastify app measured in the same run: a ratio for time, a difference for memory. */
const READY_RATIO_TARGET = 1.15
const RSS_OVER_BARE_TARGET_MIB = 5

export function startupSection(r: Results): { markdown: string; checks: TargetCheck[]; headline: string } {
  const p = r.params
  const out: string[] = []
  out.push('## 3a. Start-up and memory')
  out.push(machineLine(r.machine, r.profileName, r.durationMs))
  out.push(
    `Each service from its built output (\`node services/<name>/dist/main.js\`, Node ${r.machine.node}): the service and every module it imports bundled by packages/bundle, as the image runs it (one file, plus \`dist/chunks/\` for what is only imported on demand, such as the Unleash SDK's client in server mode). Offline flags (the packaged file), \`LOG_LEVEL=warn\`. ` +
      `Spawn → ready: from \`spawn()\` to the first \`/readyz\` 200 on the management port (polled every 5 ms on a fresh connection), ${p.spawns} starts, one at a time. ` +
      `RSS from /proc: when first ready, after ${num(p.idleMs / 1000)} s idle, and sampled every 250 ms under ${num(p.loadRps)} req/s (open loop, ${num(p.loadMs / 1000)} s, generator in its own process; the gateway in front of one catalog). ` +
      'The first row is the calibration: a minimal Fastify app with a management port (bench/startup/bare-fastify.mjs) on the same machine at the same moment.',
  )
  const cached = r.services.some((s) => s.medianCachedReadyMs !== undefined)
  const unbundled = r.services.some((s) => s.medianUnbundledReadyMs !== undefined)
  const hasPrivate = r.services.some((s) => s.privateIdleMiB !== undefined)
  out.push(
    table(
      [
        'service',
        'spawn → ready, median',
        'min – max',
        ...(cached ? ['with NODE_COMPILE_CACHE'] : []),
        ...(unbundled ? ['unbundled (tsc output): ready / RSS at ready'] : []),
        'RSS at ready',
        'RSS idle',
        ...(hasPrivate ? ['of it private'] : []),
        `RSS under ${num(p.loadRps)} req/s (max)`,
        'V8 heap used / reserved after the load',
        'load p99 (fresh process)',
      ],
      [
        [
          'bare Fastify (calibration)',
          ms(r.bareFastify.medianReadyMs),
          `${num(Math.min(...r.bareFastify.readyMs))} – ${num(Math.max(...r.bareFastify.readyMs))} ms`,
          ...(cached ? ['–'] : []),
          ...(unbundled ? ['–'] : []),
          `${num(r.bareFastify.rssAtReadyMiB, 1)} MiB`,
          '–',
          ...(hasPrivate ? ['–'] : []),
          '–',
          '–',
          '–',
        ],
        ...r.services.map((s) => [
          s.service,
          ms(s.medianReadyMs),
          `${num(Math.min(...s.readyMs))} – ${num(Math.max(...s.readyMs))} ms`,
          ...(cached ? [ms(s.medianCachedReadyMs)] : []),
          ...(unbundled
            ? [
                s.medianUnbundledReadyMs === undefined
                  ? '–'
                  : `${ms(s.medianUnbundledReadyMs)} / ${num(s.unbundledRssAtReadyMiB ?? Number.NaN, 1)} MiB`,
              ]
            : []),
          `${num(s.rssAtReadyMiB, 1)} MiB`,
          `${num(s.rssIdleMiB, 1)} MiB`,
          ...(hasPrivate ? [s.privateIdleMiB === undefined ? '–' : `${num(s.privateIdleMiB, 1)} MiB`] : []),
          `${num(s.rssLoadMaxMiB, 1)} MiB`,
          s.heapUsedMiB === undefined ? '–' : `${num(s.heapUsedMiB, 1)} / ${num(s.heapTotalMiB, 1)} MiB`,
          `${ms(s.load.latencyMs.p99, 1)}${Object.keys(s.load.errors).length ? ` (errors: ${JSON.stringify(s.load.errors)})` : ''}`,
        ]),
      ],
    ),
  )
  if (hasPrivate) {
    out.push(
      '"Of it private": the pages only this process holds (`Private_Clean` + `Private_Dirty` in /proc/<pid>/smaps_rollup). The rest of RSS is shared, chiefly the node binary\'s own code, mapped from one file by every Node process on the machine.',
    )
  }
  out.push(
    'Under load, RSS is mostly heap V8 has reserved but does not use (the "reserved" column): with gigabytes free it grows its heap instead of collecting sooner. ' +
      '`--max-semi-space-size` / `--max-old-space-size` (or a container memory limit, which Node 24 sizes its heap from) trade that memory for more frequent collections.',
  )
  if (r.imports) {
    out.push('### What a start is made of')
    out.push(
      `Node itself (spawn → exit of \`node -e 0\`): ${ms(r.imports.nodeBootMs)}. Time to \`import()\` each module in a fresh process (median of ${p.importRuns}), unbundled as tsc emitted them: ` +
        `${r.imports.modules.map((m) => `${m.module} ${ms(m.ms)}`).join(', ')}. ` +
        'The rest of spawn → ready is binding both ports, the start-up checks (the flags file) and the first probe.',
    )
  }
  out.push(
    "What the services leave out of a start that a bare Fastify app loads: Ajv and fast-json-stringify (every server of a service gets TypeBox's schema compilers as Fastify's compiler factories, `schemaController` in packages/lifecycle) and semver (no plugin of ours declares a `fastify` version range). " +
      "The bundle loads re2js, ip-address, @opentelemetry/api and undici's HTTP/2 client on their first use instead of when they are required (packages/bundle). " +
      "What the gateway still loads beyond the bare app: TypeBox (its config schema), prom-client, the Unleash SDK's evaluator and undici's HTTP/1.1 client.",
  )
  const slowest = Math.max(...r.services.map((s) => s.medianReadyMs))
  const heaviest = Math.max(...r.services.map((s) => s.rssIdleMiB))
  const bare = r.bareFastify.medianReadyMs
  const cachedBest = Math.max(...r.services.map((s) => s.medianCachedReadyMs ?? Number.NaN))
  const unbundledSlowest = Math.max(...r.services.map((s) => s.medianUnbundledReadyMs ?? Number.NaN))
  const unbundledHeaviest = Math.max(...r.services.map((s) => s.unbundledRssAtReadyMiB ?? Number.NaN))
  const heaviestAtReady = Math.max(...r.services.map((s) => s.rssAtReadyMiB))
  const privateHeaviest = Math.max(...r.services.map((s) => s.privateIdleMiB ?? Number.NaN))
  const checks: TargetCheck[] = [
    {
      target: `spawn → ready ≤ ${READY_TARGET_MS} ms (built output, Node 24)`,
      measured: r.services.map((s) => `${s.service} ${ms(s.medianReadyMs)}`).join(', '),
      met: slowest <= READY_TARGET_MS,
      note:
        (slowest <= READY_TARGET_MS
          ? `margin ${num(READY_TARGET_MS - slowest)} ms`
          : `missed by ${num(slowest - READY_TARGET_MS)} ms (slowest median); a bare Fastify app takes ${ms(bare)} here at the same moment, so ${num(Math.max(0, slowest - bare))} ms are the services' own modules and checks` +
            (r.imports
              ? ` (unleash-client ${ms(r.imports.modules.find((m) => m.module === 'unleash-client')?.ms)} to import alone, unbundled)`
              : '')) +
        (Number.isFinite(unbundledSlowest)
          ? `; unbundled (tsc output) the slowest median is ${ms(unbundledSlowest)}: the bundle saves ${num(unbundledSlowest - slowest)} ms`
          : '') +
        (Number.isFinite(cachedBest)
          ? `; with Node's compile cache (\`NODE_COMPILE_CACHE\`) it is ${ms(cachedBest)}`
          : ''),
    },
    {
      target: `idle RSS ≤ ${RSS_TARGET_MIB} MB per service`,
      measured: r.services.map((s) => `${s.service} ${num(s.rssIdleMiB, 1)} MiB`).join(', '),
      met: heaviest <= RSS_TARGET_MIB,
      note:
        (heaviest <= RSS_TARGET_MIB
          ? `margin ${num(RSS_TARGET_MIB - heaviest, 1)} MiB`
          : `missed by ${num(heaviest - RSS_TARGET_MIB, 1)} MiB (heaviest); a bare Fastify app is already ${num(r.bareFastify.rssAtReadyMiB, 1)} MiB at ready, the rest is the services' modules and the heap V8 reserves for them`) +
        (Number.isFinite(privateHeaviest)
          ? `; of the idle RSS at most ${num(privateHeaviest, 1)} MiB is the process's own, the rest shared pages (the node binary)`
          : '') +
        (Number.isFinite(unbundledHeaviest)
          ? `; unbundled, RSS at ready is up to ${num(unbundledHeaviest, 1)} MiB (bundled ${num(heaviestAtReady, 1)} MiB)`
          : ''),
    },
  ]
  const slowestService = r.services.find((s) => s.medianReadyMs === slowest)
  const ratio = slowest / bare
  const heaviestService = r.services.find((s) => s.rssAtReadyMiB === heaviestAtReady)
  const overBare = heaviestAtReady - r.bareFastify.rssAtReadyMiB
  checks.push(
    {
      target: `spawn → ready within ${READY_RATIO_TARGET}× of a bare two-listener Fastify app measured in the same run`,
      measured: `${slowestService?.service} ${ms(slowest)} vs ${ms(bare)}: ${num(ratio, 2)}×`,
      met: ratio <= READY_RATIO_TARGET,
      note:
        ratio <= READY_RATIO_TARGET
          ? `margin ${num(READY_RATIO_TARGET * bare - slowest)} ms`
          : `missed by ${num(slowest - READY_RATIO_TARGET * bare)} ms: the bare app loads Fastify alone, the ${slowestService?.service} also its config schema (typebox), metrics (prom-client), flags (the Unleash SDK's evaluator and strategies) and, for the gateway, undici and the route table; see "What a start is made of"` +
            (Number.isFinite(cachedBest)
              ? `; with Node's compile cache ${ms(cachedBest)} (${num(cachedBest / bare, 2)}×)`
              : ''),
    },
    {
      target: `RSS at ready within ${RSS_OVER_BARE_TARGET_MIB} MiB of the bare app measured in the same run`,
      measured: `${heaviestService?.service} ${num(heaviestAtReady, 1)} MiB vs ${num(r.bareFastify.rssAtReadyMiB, 1)} MiB: ${overBare < 0 ? '-' : '+'}${num(Math.abs(overBare), 1)} MiB`,
      met: overBare <= RSS_OVER_BARE_TARGET_MIB,
      note:
        overBare <= RSS_OVER_BARE_TARGET_MIB
          ? `margin ${num(RSS_OVER_BARE_TARGET_MIB - overBare, 1)} MiB`
          : `missed by ${num(overBare - RSS_OVER_BARE_TARGET_MIB, 1)} MiB: the code and heap of the modules the bare app does not load (above), and the bare app is started unbundled, so part of its RSS is module records the services do not have`,
    },
  )
  const headline = `Spawn → ready (median): ${r.services.map((s) => `${s.service} ${ms(s.medianReadyMs)}`).join(', ')}; idle RSS ${r.services.map((s) => `${s.service} ${num(s.rssIdleMiB)} MiB`).join(', ')}.`
  return { markdown: out.join('\n\n'), checks, headline }
}
