import { mkdirSync } from 'node:fs'
import { join, relative } from 'node:path'
import { portFree } from '@zdd/ports'
import type { Prometheus } from '@zdd/prometheus'
import { type FlagSpec, intFlag, parseFlags, usage } from '../args.ts'
import { UsageError } from '../errors.ts'
import { localFlagsFile, stateDir } from '../paths.ts'
import { claimUp } from '../stack/lock.ts'
import { PARENT_DEATH_SIGNAL, StackProcess } from '../stack/process.ts'
import { stackPrometheus } from '../stack/prometheus.ts'
import { supervise } from '../stack/supervise.ts'
import { localStack, MANAGEMENT_OFFSET } from '../stack/topology.ts'
import { DEFAULT_REFRESH_MS, type FlagSource, offlineFlags, unleashFlags } from '../unleash/stack.ts'

const SPEC: FlagSpec = {
  'base-port': {
    type: 'string',
    description: `gateway port; backends take the next four, management ports are +${MANAGEMENT_OFFSET}`,
    default: '3000',
  },
  'ready-timeout-ms': {
    type: 'string',
    description: 'how long each service may take to become ready',
    default: '15000',
  },
  unleash: {
    type: 'boolean',
    description: 'server mode: flags from the local Unleash (start it first: zdd flags up)',
  },
  'refresh-ms': {
    type: 'string',
    description: 'with --unleash: how often each service polls Unleash',
    default: String(DEFAULT_REFRESH_MS),
  },
  prometheus: {
    type: 'boolean',
    description:
      "also start a real Prometheus scraping every service's /metrics (needs apt-get install prometheus)",
  },
  'prometheus-port': {
    type: 'string',
    description: 'with --prometheus: its port on 127.0.0.1',
    default: '9090',
  },
  help: { type: 'boolean', description: 'this text' },
}

/**
 * `zdd up`: gateway, catalog v1, catalog-canary v2, recommendations a and b on 127.0.0.1 with the offline
 * flags file (or, with --unleash, the local Unleash), printed URLs, and a graceful stop on Ctrl-C (gateway
 * first, then the backends). Supervised: a service that dies is restarted with backoff while the others
 * keep serving; the services die with `zdd up` (parent-death signal), and a second `zdd up` on the same
 * state folder is refused while one runs.
 */
export async function up(args: string[]): Promise<number> {
  const options = parseFlags(args, SPEC)
  if (options.help) {
    process.stdout.write(`${usage('up', SPEC)}\n`)
    return 0
  }
  const base = intFlag(options, 'base-port', 3000, 1024, 59_000)
  const readyTimeoutMs = intFlag(options, 'ready-timeout-ms', 15_000, 1000, 120_000)
  const prometheusPort = options.prometheus ? intFlag(options, 'prometheus-port', 9090, 1024, 65_535) : 0
  if (prometheusPort > 0 && !(await portFree(prometheusPort)))
    throw new UsageError(`port ${prometheusPort} (Prometheus) is in use; pick --prometheus-port`)
  const flags: FlagSource = options.unleash
    ? await unleashFlags(intFlag(options, 'refresh-ms', DEFAULT_REFRESH_MS, 100, 600_000))
    : offlineFlags(localFlagsFile())
  const logs = join(stateDir(), 'logs')
  mkdirSync(logs, { recursive: true })
  const origin = `http://127.0.0.1:${base}`
  const lock = claimUp(stateDir(), `${origin}/`)
  const stack = localStack(base, { ...flags.env, SHUTDOWN_DELAY_MS: '0' })
  const members = [...stack.backends, stack.gateway]

  for (const spec of members) {
    for (const port of [spec.port, spec.managementPort]) {
      if (!(await portFree(port))) {
        lock.release()
        throw new UsageError(`port ${port} (${spec.name}) is in use; stop what uses it or pick --base-port`)
      }
    }
  }

  const started = performance.now()
  const processes: StackProcess[] = []
  let stopping: Promise<number> | undefined
  let prometheus: Prometheus | undefined
  const stop = (code: number) => {
    stopping ??= stopAll(processes, code)
      .finally(() => prometheus?.stop())
      .finally(() => lock.release())
    return stopping
  }
  const recordPids = () => lock.write(Object.fromEntries(processes.map((p) => [p.spec.name, p.pid ?? 0])))
  process.once('SIGINT', () => void stop(0))
  process.once('SIGTERM', () => void stop(0))

  try {
    // Backends first, the gateway last: its readiness waits for nothing, but its first users should not
    // meet connection refusals.
    for (const spec of members) {
      const child = new StackProcess(spec, join(logs, `${spec.name}.log`))
      child.start()
      processes.push(child)
      process.stdout.write(`starting ${spec.name.padEnd(18)} :${spec.port}\n`)
    }
    recordPids()
    await Promise.all(processes.map((p) => p.waitReady(readyTimeoutMs)))
    if (prometheusPort > 0) prometheus = await stackPrometheus(processes, stateDir(), prometheusPort)
  } catch (err) {
    process.stderr.write(`zdd up: ${(err as Error).message}; see ${relative(process.cwd(), logs)}/\n`)
    return stop(1)
  }

  const rel = (path: string) => {
    const short = relative(process.cwd(), path)
    return short && !short.startsWith('..') ? short : path
  }
  process.stdout.write(
    [
      '',
      `zdd up: local stack ready in ${((performance.now() - started) / 1000).toFixed(1)} s`,
      `  page             ${origin}/`,
      `  catalog          ${origin}/api/catalog/products`,
      `  recommendations  ${origin}/api/recommendations`,
      `  services         ${stack.backends.map((b) => `${b.name} (${b.label}) :${b.port}`).join(' · ')}`,
      `  management       /livez /readyz /metrics on :${stack.gateway.managementPort}-${stack.gateway.managementPort + 4}`,
      ...(prometheus
        ? [
            `  prometheus       ${prometheus.url}/ scrapes every service's /metrics each second; try`,
            '                   sum by (service, version) (rate(http_requests_total[1m]))',
          ]
        : []),
      flags.describe(rel),
      `  logs             ${rel(logs)}/`,
      `A service that dies is restarted; ${PARENT_DEATH_SIGNAL ? 'the services stop with zdd up, however it ends' : 'without util-linux setpriv the services outlive a killed zdd up'}.`,
      'Ctrl-C stops everything gracefully.',
      '',
    ].join('\n'),
  )
  // A member that dies is started again (the others keep serving) until the stack is stopped.
  await Promise.all(
    processes.map((member) =>
      supervise(member, {
        readyTimeoutMs,
        say: (line) =>
          process.stderr.write(`zdd up: ${line} (log: ${rel(join(logs, `${member.spec.name}.log`))})\n`),
        started: recordPids,
      }),
    ),
  )
  return stopping ?? stop(0)
}

async function stopAll(processes: StackProcess[], code: number): Promise<number> {
  process.stdout.write('\nstopping: gateway first, then the backends\n')
  const gateway = processes.find((p) => p.spec.name === 'gateway')
  const results: string[] = []
  if (gateway) {
    const exit = await gateway.stop(10_000)
    results.push(`gateway ${exit.code ?? exit.signal}`)
  }
  const rest = await Promise.all(
    processes
      .filter((p) => p !== gateway)
      .map(async (p) => `${p.spec.name} ${(await p.stop(10_000)).code ?? 'killed'}`),
  )
  process.stdout.write(`stopped (exit codes: ${[...results, ...rest].join(', ')})\n`)
  return code
}
