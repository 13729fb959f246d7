import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { NAIVE_HEALTH_PATH } from './variants/app.ts'

/** Where the kubelet-like prober asks: a path on the traffic port or on the management port. */
export interface ProbeTarget {
  path: string
  port: 'traffic' | 'management'
}

export interface Variant {
  name: string
  /** The package wired in (its version is read from node_modules), or undefined for the control. */
  pkg?: string
  /** How it is configured, in a few words, for the report. */
  wiring: string
  /** Whether it has a knob that delays closing after SIGTERM (given SHUTDOWN_DELAY_MS). */
  delayKnob: boolean
  /** Whether its readiness/liveness come from the library (else the naive always-200 endpoint). */
  libraryProbes: boolean
  readiness: ProbeTarget
  liveness: ProbeTarget
  entry: string
}

const dir = join(import.meta.dirname, 'variants')
const naive = { path: NAIVE_HEALTH_PATH, port: 'traffic' } as const

export const VARIANTS: readonly Variant[] = [
  {
    name: 'naive',
    wiring: '`app.close()` on SIGTERM, then exit (control)',
    delayKnob: false,
    libraryProbes: false,
    readiness: naive,
    liveness: naive,
    entry: join(dir, 'naive.ts'),
  },
  {
    name: 'close-with-grace',
    pkg: 'close-with-grace',
    wiring:
      'README Fastify example: `closeWithGrace(async () => app.close())`, `delay` (kill timeout) default 10 s',
    delayKnob: false,
    libraryProbes: false,
    readiness: naive,
    liveness: naive,
    entry: join(dir, 'close-with-grace.ts'),
  },
  {
    name: 'fastify-graceful-shutdown',
    pkg: 'fastify-graceful-shutdown',
    wiring: 'registered as the README says; handlers, then `fastify.close()`, timeout default 10 s',
    delayKnob: false,
    libraryProbes: false,
    readiness: naive,
    liveness: naive,
    entry: join(dir, 'fastify-graceful-shutdown.ts'),
  },
  {
    name: 'http-terminator',
    pkg: 'http-terminator',
    wiring: 'README Fastify usage: `terminate()` on SIGTERM, then exit; gracefulTerminationTimeout default',
    delayKnob: false,
    libraryProbes: false,
    readiness: naive,
    liveness: naive,
    entry: join(dir, 'http-terminator.ts'),
  },
  {
    name: 'lightship',
    pkg: 'lightship',
    wiring:
      'own probe server on MANAGEMENT_PORT (`/ready`, `/live`), `shutdownDelay` = SHUTDOWN_DELAY_MS, handler `app.close()`',
    delayKnob: true,
    libraryProbes: true,
    readiness: { path: '/ready', port: 'management' },
    liveness: { path: '/live', port: 'management' },
    entry: join(dir, 'lightship.ts'),
  },
  {
    name: 'terminus',
    pkg: '@godaddy/terminus',
    wiring:
      'README Kubernetes section: `beforeShutdown` sleep = SHUTDOWN_DELAY_MS, `useExit0`, `/healthcheck` on the traffic port',
    delayKnob: true,
    libraryProbes: true,
    readiness: { path: '/healthcheck', port: 'traffic' },
    liveness: { path: '/healthcheck', port: 'traffic' },
    entry: join(dir, 'terminus.ts'),
  },
  {
    name: 'zdd-lifecycle',
    pkg: '@zdd/lifecycle',
    wiring:
      '`runService`: SHUTDOWN_DELAY_MS as the least drain, then until no new connection for SHUTDOWN_QUIET_MS (1 s), `Connection: close`, `/readyz` `/livez` on MANAGEMENT_PORT',
    delayKnob: true,
    libraryProbes: true,
    readiness: { path: '/readyz', port: 'management' },
    liveness: { path: '/livez', port: 'management' },
    entry: join(dir, 'zdd-lifecycle.ts'),
  },
  {
    name: 'zdd-lifecycle-defaults',
    pkg: '@zdd/lifecycle',
    wiring:
      '`runService` with no SHUTDOWN_* variable set: no least delay, serving until no new connection for 1 s (bounded by 25 s − 10 s), `/readyz` `/livez` on MANAGEMENT_PORT',
    delayKnob: false,
    libraryProbes: true,
    readiness: { path: '/readyz', port: 'management' },
    liveness: { path: '/livez', port: 'management' },
    entry: join(dir, 'zdd-lifecycle-defaults.ts'),
  },
]

/** The installed version of a variant's package, for the report. */
export function packageVersion(pkg: string | undefined): string {
  if (!pkg) return '-'
  try {
    const file = join(import.meta.dirname, '..', 'node_modules', pkg, 'package.json')
    return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version
  } catch {
    return '?'
  }
}
