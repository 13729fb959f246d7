import { type Static, Type } from '@sinclair/typebox'
import { Value } from '@sinclair/typebox/value'
import { InvalidVerifyOptionsError } from './errors.ts'

const Path = (fallback: string, description: string) =>
  Type.String({ pattern: '^/[^\\s]*$', default: fallback, description })
const Seconds = (fallback: number, minimum: number, maximum: number, description: string) =>
  Type.Number({ minimum, maximum, default: fallback, description })

/** A DNS-1123 label, as Kubernetes names Deployments, Services and namespaces; empty for "not given". */
const K8S_NAME = '^([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)?$'
const KubernetesName = (description: string) => Type.String({ pattern: K8S_NAME, default: '', description })

/** The signals a container runtime can be told to send (a Dockerfile's STOPSIGNAL). */
export const SIGNALS = ['SIGTERM', 'SIGINT', 'SIGQUIT', 'SIGHUP', 'SIGUSR1', 'SIGUSR2'] as const

/**
 * Every option of `zdd verify`, with its default and bounds: the CLI's flags, its help text and the report's
 * `options` are all derived from this one schema. Defaults are Kubernetes' own where it has one.
 */
export const VerifyOptionsSchema = Type.Object({
  port: Type.Integer({
    minimum: 0,
    maximum: 65535,
    default: 0,
    description: 'traffic port, passed to the command as PORT (0: a free one)',
  }),
  managementPort: Type.Integer({
    minimum: 0,
    maximum: 65535,
    default: 0,
    description: 'management port, passed as MANAGEMENT_PORT (0: a free one)',
  }),
  probesOnPort: Type.Boolean({
    default: false,
    description: 'read the probes on the traffic port (for services without a management port)',
  }),
  readyPath: Path('/readyz', 'readiness probe path'),
  livePath: Path('/livez', 'liveness probe path'),
  path: Path('/', 'traffic path the load requests'),
  longPath: Type.String({
    pattern: '^(/[^\\s]*)?$',
    default: '',
    description: 'a route that takes a few seconds; one request to it is in flight at the signal (check 4)',
  }),
  gracePeriod: Seconds(
    30,
    1,
    600,
    "the pod's terminationGracePeriodSeconds: signal (or preStop) to SIGKILL, s",
  ),
  prestopSleep: Seconds(0, 0, 600, 'a preStop sleep before the signal, s'),
  propagation: Seconds(
    2,
    0,
    120,
    'how long new connections keep arriving after the pod is deleted (kube-proxy lagging), s',
  ),
  rps: Type.Integer({
    minimum: 1,
    maximum: 5000,
    default: 100,
    description: 'requests per second of the load',
  }),
  signal: Type.Union(
    SIGNALS.map((name) => Type.Literal(name)),
    { default: 'SIGTERM', description: `the stop signal: ${SIGNALS.join(', ')}` },
  ),
  startupTimeout: Seconds(60, 1, 600, 'how long to wait for the first ready answer, s'),
  cluster: KubernetesName(
    'a Deployment to roll under load through its Service in the cluster kubectl points at, instead of running COMMAND',
  ),
  namespace: Type.String({
    pattern: K8S_NAME,
    minLength: 1,
    default: 'default',
    description: "with --cluster: the Deployment's namespace",
  }),
  service: KubernetesName(
    "with --cluster: the Service to load (default: the one that selects the Deployment's pods)",
  ),
})

export type VerifyOptions = Static<typeof VerifyOptionsSchema>
export type OptionName = keyof VerifyOptions

/** `probesOnPort` → `probes-on-port`: the flag that sets an option. */
export const flagOf = (name: string): string => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)

/**
 * Validates options once, from flag values as typed (strings) or values already typed, applying the
 * defaults. Every problem is named by its flag, with what is allowed.
 */
export function parseVerifyOptions(raw: Record<string, unknown>): VerifyOptions {
  const known = Object.keys(VerifyOptionsSchema.properties)
  const unknown = Object.keys(raw).filter((name) => !known.includes(name))
  const problems = unknown.map((name) => `  - --${flagOf(name)}: not an option of zdd verify`)
  const value = Value.Default(VerifyOptionsSchema, Value.Convert(VerifyOptionsSchema, structuredClone(raw)))
  for (const error of Value.Errors(VerifyOptionsSchema, value)) {
    const name = error.path.slice(1)
    if (name === '' || unknown.includes(name)) continue
    const schema = VerifyOptionsSchema.properties[name as OptionName]
    problems.push(`  - --${flagOf(name)} (got ${JSON.stringify(raw[name])}): ${allowed(schema)}`)
  }
  if (problems.length > 0) throw new InvalidVerifyOptionsError([...new Set(problems)].join('\n'))
  const options = value as VerifyOptions
  if (options.port !== 0 && options.port === options.managementPort)
    throw new InvalidVerifyOptionsError(
      `  - --management-port (got ${options.port}): must differ from --port (or use --probes-on-port)`,
    )
  return options
}

function allowed(schema: Record<string, unknown>): string {
  if (schema.type === 'integer') return `a whole number from ${schema.minimum} to ${schema.maximum}`
  if (schema.type === 'number') return `a number from ${schema.minimum} to ${schema.maximum}`
  if (schema.type === 'boolean') return 'true or false'
  if (schema.pattern === K8S_NAME) return 'a Kubernetes name: lower-case letters, digits and -, at most 63'
  if (schema.pattern !== undefined) return 'a path starting with / and without spaces'
  return String(schema.description)
}
