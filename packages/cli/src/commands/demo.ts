import { writeFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { type RolloutReport, runRollout, type Strategy } from '@zdd/rollout'
import { type FlagSpec, intFlag, parseFlags, usage } from '../args.ts'
import { UsageError } from '../errors.ts'
import { eventLine, progressLine, SHOWN_EVENTS, summary } from '../view.ts'

export const DEMO_FLAGS: FlagSpec = {
  replicas: { type: 'string', description: 'replicas of the catalog Deployment (1-10)', default: '3' },
  rps: { type: 'string', description: 'open-loop request rate (1-5000)', default: '200' },
  connections: {
    type: 'string',
    description: 'keep-alive connections the client may open (1-512)',
    default: '32',
  },
  'propagation-delay-ms': {
    type: 'string',
    description: 'endpoint propagation delay (kube-proxy ~1000)',
    default: '1000',
  },
  'propagation-jitter-ms': {
    type: 'string',
    description: 'uniform jitter around that delay',
    default: '250',
  },
  'shutdown-delay-ms': {
    type: 'string',
    description: 'SHUTDOWN_DELAY_MS of the pods',
    default: 'delay + jitter + 500',
  },
  'max-surge': { type: 'string', description: 'rolling update maxSurge (count or %)', default: '25%' },
  'max-unavailable': {
    type: 'string',
    description: 'rolling update maxUnavailable (count or %)',
    default: '25%',
  },
  'min-ready-ms': { type: 'string', description: 'Deployment minReadySeconds, in ms', default: '0' },
  unprepared: { type: 'boolean', description: 'run the unprepared control (closes on SIGTERM)' },
  json: { type: 'string', description: 'write the report as JSON to this file' },
  help: { type: 'boolean', description: 'show this help' },
}

const STRATEGIES = ['rolling', 'recreate'] as const

/** `zdd demo <strategy>`: a rollout under load with a live view, then the report. Exit 3 when requests were lost. */
export async function demo(args: string[]): Promise<number> {
  const [strategy, ...rest] = args
  if (strategy === undefined || strategy === '--help' || strategy === 'help') {
    process.stdout.write(`${usage(`demo <${STRATEGIES.join('|')}>`, DEMO_FLAGS)}\n`)
    return strategy === undefined ? 2 : 0
  }
  if (!STRATEGIES.includes(strategy as (typeof STRATEGIES)[number])) {
    throw new UsageError(`unknown strategy "${strategy}"; available: ${STRATEGIES.join(', ')}`)
  }
  const flags = parseFlags(rest, DEMO_FLAGS)
  if (flags.help) {
    process.stdout.write(`${usage(`demo ${strategy}`, DEMO_FLAGS)}\n`)
    return 0
  }
  const propagationDelayMs = intFlag(flags, 'propagation-delay-ms', 1000, 0, 60_000)
  const given = {
    replicas: intFlag(flags, 'replicas', 3, 1, 10),
    rps: intFlag(flags, 'rps', 200, 1, 5000),
    connections: intFlag(flags, 'connections', 32, 1, 512),
    propagationDelayMs,
    propagationJitterMs: intFlag(
      flags,
      'propagation-jitter-ms',
      Math.min(250, propagationDelayMs),
      0,
      60_000,
    ),
    shutdownDelayMs:
      flags['shutdown-delay-ms'] === undefined
        ? undefined
        : intFlag(flags, 'shutdown-delay-ms', 0, 0, 120_000),
    minReadyMs: intFlag(flags, 'min-ready-ms', 0, 0, 120_000),
    unprepared: flags.unprepared === true,
    strategy: strategyFrom(strategy, flags),
    service: {
      name: 'catalog',
      entry: fileURLToPath(import.meta.resolve('@zdd/catalog/main')),
      path: '/products',
    },
  }

  const tty = process.stdout.isTTY === true
  let lastPlain = 0
  const report: RolloutReport = await runRollout(given, {
    progressIntervalMs: tty ? 200 : 1000,
    onProgress: (snapshot) => {
      if (tty) process.stdout.write(`\r\x1b[2K${progressLine(snapshot)}`)
      else if (snapshot.elapsedMs - lastPlain >= 900) {
        lastPlain = snapshot.elapsedMs
        process.stdout.write(`${progressLine(snapshot)}\n`)
      }
    },
    onEvent: (event) => {
      if (!SHOWN_EVENTS.has(event.type)) return
      process.stdout.write(`${tty ? '\r\x1b[2K' : ''}${eventLine(event)}\n`)
    },
  })
  process.stdout.write(`${tty ? '\n' : ''}${summary(report)}\n`)
  if (typeof flags.json === 'string') {
    await writeFile(flags.json, `${JSON.stringify(report, null, 2)}\n`)
    process.stdout.write(`report written to ${flags.json}\n`)
  }
  return report.failed === 0 ? 0 : 3
}

function strategyFrom(name: string, flags: Record<string, string | boolean | undefined>): Strategy {
  if (name === 'recreate') {
    for (const flag of ['max-surge', 'max-unavailable']) {
      if (flags[flag] !== undefined)
        throw new UsageError(`--${flag} applies to rolling only; recreate has no surge`)
    }
    return { type: 'Recreate' }
  }
  return {
    type: 'RollingUpdate',
    maxSurge: intOrPercentFlag(flags, 'max-surge', '25%'),
    maxUnavailable: intOrPercentFlag(flags, 'max-unavailable', '25%'),
  }
}

function intOrPercentFlag(
  flags: Record<string, string | boolean | undefined>,
  name: string,
  fallback: `${number}%`,
): number | `${number}%` {
  const raw = flags[name]
  if (raw === undefined) return fallback
  if (typeof raw === 'string' && /^\d+%$/.test(raw)) return raw as `${number}%`
  if (typeof raw === 'string' && /^\d+$/.test(raw)) return Number(raw)
  throw new UsageError(`--${name} must be a whole number or a percentage like 25% (got "${String(raw)}")`)
}
