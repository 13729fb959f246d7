import { type Static, type TObject, Type } from '@sinclair/typebox'
import { Value } from '@sinclair/typebox/value'
import { InvalidConfigError } from './errors.ts'
import { compileTrust } from './trust.ts'

const Port = (description: string, defaultPort: number) =>
  Type.Integer({ minimum: 0, maximum: 65535, default: defaultPort, description })
const Millis = (description: string, defaultMs: number, maximum = 600_000) =>
  Type.Integer({ minimum: 0, maximum, default: defaultMs, description })

/** Environment every service built on @zdd/lifecycle reads. Services extend it with their own fields. */
export const LifecycleEnv = Type.Object({
  PORT: Port('TCP port for traffic, 0-65535', 8080),
  MANAGEMENT_PORT: Port('TCP port for /livez, /readyz, /metrics; must differ from PORT', 9090),
  HOST: Type.String({ minLength: 1, default: '127.0.0.1', description: 'address to bind; 0.0.0.0 in a pod' }),
  APP_VERSION: Type.String({
    pattern: '^[A-Za-z0-9][A-Za-z0-9._+-]{0,63}$',
    default: '0.0.0-dev',
    description: 'version shown in x-served-by and metrics, e.g. v2 or 1.4.0',
  }),
  POD_NAME: Type.String({
    pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,252}$',
    default: 'local',
    description: 'pod name shown in x-served-by (downward API metadata.name)',
  }),
  LOG_LEVEL: Type.Union(
    ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((level) => Type.Literal(level)),
    { default: 'info', description: 'one of fatal, error, warn, info, debug, trace, silent' },
  ),
  SHUTDOWN_DELAY_MS: Millis(
    'the least time to keep serving after SIGTERM while routers stop sending traffic (the k8s drain component sets 5000); with SHUTDOWN_QUIET_MS=0 the whole wait, then at least your endpoint propagation latency',
    0,
  ),
  SHUTDOWN_QUIET_MS: Millis(
    'after SHUTDOWN_DELAY_MS, keep serving until no new connection or request has arrived for this long (bounded by SHUTDOWN_TIMEOUT_MS minus REQUEST_TIMEOUT_MS); 0 = fixed mode, close right after SHUTDOWN_DELAY_MS',
    1000,
  ),
  SHUTDOWN_TIMEOUT_MS: Millis(
    'hard deadline from SIGTERM to exit (then exit 1 naming what was still open); keep it below the pod grace period',
    25_000,
  ),
  REQUEST_TIMEOUT_MS: Millis(
    'longest a request may take before the server answers 408 (part of the grace budget)',
    10_000,
  ),
  KEEP_ALIVE_TIMEOUT_MS: Millis('idle keep-alive time; keep it above the load balancer idle timeout', 72_000),
  SHUTDOWN_MODE: Type.Union([Type.Literal('graceful'), Type.Literal('unprepared')], {
    default: 'graceful',
    description:
      'graceful, or unprepared (the CONTROL ONLY: closes at once on SIGTERM like most code in the wild, and loses requests)',
  }),
  TRUST_PROXY: Type.String({
    default: '',
    description:
      'proxies whose X-Forwarded-For/-Proto/-Host are believed (request.ip is then the real client): comma-separated IPs, CIDR ranges or loopback (e.g. the pod range, for services behind the gateway); empty = none',
  }),
  MANAGEMENT_CONTROLS: Type.Boolean({
    default: false,
    description:
      'true enables POST /control/{readiness,liveness}/{fail,restore} on the management port (take a pod out of rotation, or get it restarted, without a deploy); each needs the header x-zdd-control: 1, which no cross-site form or link can send',
  }),
})
export type LifecycleConfig = Static<typeof LifecycleEnv>

type Env = Record<string, string | undefined>

/**
 * Reads the schema's fields from the environment, applies defaults, converts strings to the schema's types
 * and validates. Every bad variable is reported at once, named, with the value seen and what is expected.
 * The result is frozen: configuration is read once at boot.
 */
export function loadConfig<S extends TObject>(schema: S, env: Env = process.env): Readonly<Static<S>> {
  const raw: Record<string, unknown> = {}
  for (const key of Object.keys(schema.properties)) {
    const value = env[key]
    if (value !== undefined && value !== '') raw[key] = value
  }
  const given = { ...raw } // Value.Default and Value.Convert change their argument in place
  const value = Value.Convert(schema, Value.Default(schema, raw)) as Record<string, unknown>
  // Value.Convert truncates integers: "1.5" becomes 1 and "25e3" becomes 25 (a 25 ms shutdown deadline).
  // Leave anything but a plain decimal integer unconverted, so validation reports it instead.
  for (const [key, text] of Object.entries(given)) {
    const property = schema.properties[key] as { type?: string } | undefined
    if (property?.type === 'integer' && !/^-?\d+$/.test(String(text))) value[key] = text
  }
  const problems = new Map<string, string>()
  for (const error of Value.Errors(schema, value)) {
    const key = error.path.replace(/^\//, '').split('/')[0] ?? error.path
    if (problems.has(key)) continue
    const property = schema.properties[key] as { description?: string } | undefined
    const seen = key in given ? `got ${JSON.stringify(given[key])}` : 'not set'
    const hint = property?.description ? `: ${property.description}` : ''
    problems.set(key, `  - ${key} (${seen}): ${error.message.toLowerCase()}${hint}`)
  }
  for (const [key, message] of crossFieldProblems(value)) if (!problems.has(key)) problems.set(key, message)
  if (problems.size > 0) throw new InvalidConfigError([...problems.values()].join('\n'))
  return Object.freeze(value) as Readonly<Static<S>>
}

function crossFieldProblems(value: Record<string, unknown>): Array<[string, string]> {
  const problems: Array<[string, string]> = []
  const { PORT, MANAGEMENT_PORT, SHUTDOWN_DELAY_MS, SHUTDOWN_TIMEOUT_MS } = value
  if (typeof PORT === 'number' && PORT !== 0 && PORT === MANAGEMENT_PORT) {
    problems.push(['MANAGEMENT_PORT', `  - MANAGEMENT_PORT (got ${PORT}): must differ from PORT`])
  }
  if (
    typeof SHUTDOWN_DELAY_MS === 'number' &&
    typeof SHUTDOWN_TIMEOUT_MS === 'number' &&
    SHUTDOWN_TIMEOUT_MS <= SHUTDOWN_DELAY_MS
  ) {
    problems.push([
      'SHUTDOWN_TIMEOUT_MS',
      `  - SHUTDOWN_TIMEOUT_MS (got ${SHUTDOWN_TIMEOUT_MS}): must be above SHUTDOWN_DELAY_MS (${SHUTDOWN_DELAY_MS}) plus the longest request`,
    ])
  }
  if (typeof value.TRUST_PROXY === 'string') {
    const bad = compileTrust(value.TRUST_PROXY).problems
    if (bad.length > 0)
      problems.push([
        'TRUST_PROXY',
        `  - TRUST_PROXY (got ${JSON.stringify(value.TRUST_PROXY)}): ${bad.join('; ')}`,
      ])
  }
  return problems
}
