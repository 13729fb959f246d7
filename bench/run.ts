// `pnpm bench [--full | --profile short|standard|full] [--only shutdown,gateway,startup,flags] [overrides]`:
// runs the benchmarks, saves raw results to bench/results/<suite>.json and rewrites bench/RESULTS.md from
// every results file present. `--report-only` rewrites RESULTS.md without measuring.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { runFlagsBench } from './flags/run.ts'
import { runGatewayBench } from './gateway/run.ts'
import { log } from './lib/log.ts'
import { describeMachine, machine } from './lib/machine.ts'
import { SERVICE_ENTRIES } from './lib/services.ts'
import { PROFILE_NAMES, PROFILES, type Profile, type ProfileName } from './profiles.ts'
import { writeResultsMarkdown } from './report/write.ts'
import { mergeShutdown, type StoredShutdown } from './shutdown/merge.ts'
import { runShutdownBench } from './shutdown/run.ts'
import { runStartupBench } from './startup/run.ts'

const SUITES = ['shutdown', 'gateway', 'startup', 'flags'] as const
type Suite = (typeof SUITES)[number]

export const RESULTS_DIR = join(import.meta.dirname, 'results')

const USAGE = `usage: pnpm bench [options]
  --full                    the issue's whole matrix, 20 rollouts per cell (hours)
  --profile NAME            short (default, < 10 min), standard (5 rollouts per cell), full
  --only LIST               comma-separated suites: ${SUITES.join(', ')}
  --rollouts N              shutdown: rollouts per cell
  --rates LIST              shutdown: req/s profiles, e.g. 1000,5000
  --delays LIST             shutdown: propagation delays in ms, e.g. 0,1000,3000
  --variants LIST           shutdown: variants to run
  --shutdown-delay-ms N     shutdown: SHUTDOWN_DELAY_MS (and the libraries' delay knobs)
  --merge                   shutdown: replace only the cells measured now in results/shutdown.json, keep the rest
  --report-only             rewrite RESULTS.md from bench/results/*.json, measure nothing`

function list(value: string | undefined): string[] | undefined {
  return value
    ?.split(',')
    .map((s) => s.trim())
    .filter(Boolean)
}

function numbers(value: string | undefined, name: string): number[] | undefined {
  const items = list(value)?.map(Number)
  if (items?.some((n) => !Number.isInteger(n) || n < 0))
    throw new Error(`--${name}: whole numbers ≥ 0 expected`)
  return items
}

interface Plan {
  profile: Profile
  suites: Suite[]
  reportOnly: boolean
  merge: boolean
}

function configure(argv: string[]): Plan {
  const { values } = parseArgs({
    args: argv,
    options: {
      full: { type: 'boolean' },
      profile: { type: 'string' },
      only: { type: 'string' },
      rollouts: { type: 'string' },
      rates: { type: 'string' },
      delays: { type: 'string' },
      variants: { type: 'string' },
      'shutdown-delay-ms': { type: 'string' },
      'report-only': { type: 'boolean' },
      merge: { type: 'boolean' },
      help: { type: 'boolean' },
    },
  })
  if (values.help) {
    process.stdout.write(`${USAGE}\n`)
    process.exit(0)
  }
  const name = (values.full ? 'full' : (values.profile ?? 'short')) as ProfileName
  if (!PROFILE_NAMES.includes(name)) throw new Error(`--profile: one of ${PROFILE_NAMES.join(', ')}`)
  const base = PROFILES[name]
  const suites = (list(values.only) ?? [...SUITES]) as Suite[]
  for (const suite of suites) {
    if (!SUITES.includes(suite))
      throw new Error(`--only: unknown suite "${suite}"; known: ${SUITES.join(', ')}`)
  }
  const shutdown = { ...base.shutdown }
  // A matrix given on the command line is the whole matrix.
  if (values.rates || values.delays || values.variants) delete shutdown.extraCells
  const rollouts = numbers(values.rollouts, 'rollouts')?.[0]
  if (rollouts) shutdown.rolloutsPerCell = rollouts
  const rates = numbers(values.rates, 'rates')
  if (rates) shutdown.rates = rates.map((rps) => ({ rps, connections: Math.max(32, Math.ceil(rps / 40)) }))
  const delays = numbers(values.delays, 'delays')
  if (delays) shutdown.propagationDelaysMs = delays
  const variants = list(values.variants)
  if (variants) shutdown.variants = variants
  const shutdownDelay = numbers(values['shutdown-delay-ms'], 'shutdown-delay-ms')?.[0]
  if (shutdownDelay !== undefined) shutdown.shutdownDelayMs = shutdownDelay
  const overrides = ['rollouts', 'rates', 'delays', 'variants', 'shutdown-delay-ms']
    .filter((flag) => values[flag as keyof typeof values] !== undefined)
    .map((flag) => `--${flag} ${values[flag as keyof typeof values]}`)
  const covers = overrides.length
    ? `shutdown matrix from the command line: ${overrides.join(' ')}`
    : base.covers
  return {
    profile: { ...base, covers, shutdown },
    suites,
    reportOnly: values['report-only'] ?? false,
    merge: values.merge ?? false,
  }
}

function save(suite: string, data: object, merge: boolean): void {
  mkdirSync(RESULTS_DIR, { recursive: true })
  const file = join(RESULTS_DIR, `${suite}.json`)
  const merged =
    merge && suite === 'shutdown' && existsSync(file)
      ? mergeShutdown(JSON.parse(readFileSync(file, 'utf8')) as StoredShutdown, data as StoredShutdown)
      : data
  writeFileSync(file, `${JSON.stringify(merged, null, 1)}\n`)
}

/** The services and packages run from their built output: say so before anything starts. */
function checkBuilt(): void {
  const missing = Object.values(SERVICE_ENTRIES).filter((entry) => !existsSync(entry))
  if (missing.length) {
    throw new Error(`built output missing (${missing.join(', ')}): run \`pnpm build\` first`)
  }
}

async function main(): Promise<void> {
  const { profile, suites, reportOnly, merge } = configure(process.argv.slice(2))
  if (!reportOnly) {
    checkBuilt()
    const startedAt = performance.now()
    const atStart = machine()
    log(`profile ${profile.name} (${profile.covers}); suites ${suites.join(', ')}`)
    log(describeMachine(atStart))
    const runs: Record<Suite, () => Promise<unknown>> = {
      shutdown: () => runShutdownBench(profile.shutdown),
      gateway: () => runGatewayBench(profile.gateway),
      startup: () => runStartupBench(profile.startup),
      flags: () => runFlagsBench(profile.flags),
    }
    for (const suite of suites) {
      log(`${suite}: starting`)
      const result = (await runs[suite]()) as object
      save(suite, { ...result, profileName: profile.name, covers: profile.covers }, merge)
      log(`${suite}: done, results/${suite}.json`)
    }
    log(`all done in ${Math.round((performance.now() - startedAt) / 1000)} s`)
  }
  const file = writeResultsMarkdown(RESULTS_DIR, join(import.meta.dirname, 'RESULTS.md'))
  log(`wrote ${file}`)
}

await main()
