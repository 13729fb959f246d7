import { type Static, Type } from '@sinclair/typebox'
import { FlagsEnv } from '@zdd/flags'
import { serviceEnv } from '@zdd/lifecycle'
import { InvalidGatewayConfigError } from './errors.ts'

const Millis = (description: string, defaultMs: number, minimum = 1) =>
  Type.Integer({ minimum, maximum: 600_000, default: defaultMs, description })

export const GatewayEnv = serviceEnv({
  ...FlagsEnv.properties,
  GATEWAY_ROUTES: Type.Optional(
    Type.String({
      minLength: 1,
      description: 'route table as inline JSON (see the README); unset = demo table',
    }),
  ),
  GATEWAY_ROUTES_FILE: Type.Optional(
    Type.String({ minLength: 1, description: 'path of a JSON route table file; unset = demo table' }),
  ),
  GATEWAY_CONNECT_TIMEOUT_MS: Millis('longest wait for a TCP connection to an upstream, in ms', 1000),
  GATEWAY_HEADERS_TIMEOUT_MS: Millis("longest wait for an upstream's response headers, in ms", 5000),
  GATEWAY_UPSTREAM_TIMEOUT_MS: Millis(
    'longest whole upstream exchange (connect, headers and body), in ms; below REQUEST_TIMEOUT_MS',
    8000,
  ),
  GATEWAY_BODY_LIMIT_BYTES: Type.Integer({
    minimum: 0,
    maximum: 104_857_600,
    default: 1_048_576,
    description:
      'largest request body accepted, in bytes (larger ones get 413); bodies are streamed to the upstream, never held whole',
  }),
  GATEWAY_UPSTREAM_CONNECTIONS: Type.Integer({
    minimum: 1,
    maximum: 10_000,
    default: 128,
    description: 'keep-alive connections per upstream, at most',
  }),
  GATEWAY_UPSTREAM_MAX_REQUESTS: Type.Integer({
    minimum: 0,
    maximum: 1_000_000,
    default: 0,
    description:
      'requests per upstream keep-alive connection before it is closed and a new one opened, so that a Service balances again (new pods, a canary, get their share); 0 never',
  }),
  GATEWAY_RETRIES: Type.Integer({
    minimum: 0,
    maximum: 5,
    default: 2,
    description:
      'times an idempotent request (GET, HEAD, OPTIONS, PUT, DELETE) is sent again, each on a new connection, when its upstream connection was refused or reset before any response; 0 never',
  }),
  GATEWAY_RETRY_AFTER_S: Type.Integer({
    minimum: 0,
    maximum: 3600,
    default: 1,
    description: 'Retry-After seconds on 503 answers when an upstream is unavailable',
  }),
  GATEWAY_USER_SECRET: Type.Optional(
    Type.String({
      minLength: 32,
      description:
        'key signing the zdd_uid user cookie (HMAC-SHA256; at least 32 characters, the same on every replica); k8s: Secret gateway-user-secret; unset = a random key per process, so users change bucket when they meet another replica or a restart',
    }),
  ),
  GATEWAY_USER_HEADER: Type.Optional(
    Type.String({
      pattern: '^[a-z0-9][a-z0-9-]*$',
      description:
        'header an authenticating proxy in front sets to the signed-in user id (e.g. x-auth-request-user); honoured only on connections from TRUST_PROXY addresses, ignored from anyone else',
    }),
  ),
  GATEWAY_DEMO_PAGE: Type.Boolean({
    default: false,
    description:
      'true serves the demo web page at / and /_zdd/session (your own bucket and the flags in use)',
  }),
  GATEWAY_TRACK_OVERRIDE: Type.Boolean({
    default: false,
    description:
      'true lets clients pick the canary with the header x-zdd-track: canary|stable (never in production)',
  }),
  GATEWAY_SHADOW_CONCURRENCY: Type.Integer({
    minimum: 1,
    maximum: 10_000,
    default: 16,
    description:
      'shadow requests in flight per route at most; beyond it mirroring is skipped (shadow_dropped_total)',
  }),
  GATEWAY_SHADOW_TIMEOUT_MS: Millis(
    'longest a shadow request may take before it counts as an error, in ms',
    1000,
  ),
  GATEWAY_SHADOW_MAX_BODY_BYTES: Type.Integer({
    minimum: 0,
    maximum: 10_485_760,
    default: 262_144,
    description: 'largest response body compared by the shadow, in bytes; larger exchanges are not compared',
  }),
  GATEWAY_SHADOW_HELD_BYTES: Type.Integer({
    minimum: 0,
    maximum: 1_073_741_824,
    default: 16_777_216,
    description:
      'request-body copies held for shadows at once, in bytes, across all requests; past it a request is not mirrored (counted)',
  }),
})

export type GatewayConfig = Readonly<Static<typeof GatewayEnv>>

/** Checks between fields that the schema alone cannot express; throws naming each bad variable. */
export function checkGatewayConfig(config: GatewayConfig): void {
  const problems: string[] = []
  if (config.GATEWAY_HEADERS_TIMEOUT_MS > config.GATEWAY_UPSTREAM_TIMEOUT_MS) {
    problems.push(
      `  - GATEWAY_HEADERS_TIMEOUT_MS (got ${config.GATEWAY_HEADERS_TIMEOUT_MS}): must not exceed GATEWAY_UPSTREAM_TIMEOUT_MS (${config.GATEWAY_UPSTREAM_TIMEOUT_MS})`,
    )
  }
  if (config.GATEWAY_UPSTREAM_TIMEOUT_MS >= config.REQUEST_TIMEOUT_MS) {
    problems.push(
      `  - GATEWAY_UPSTREAM_TIMEOUT_MS (got ${config.GATEWAY_UPSTREAM_TIMEOUT_MS}): must be below REQUEST_TIMEOUT_MS (${config.REQUEST_TIMEOUT_MS}), so the gateway answers 504 before the server gives up`,
    )
  }
  if (config.GATEWAY_USER_HEADER !== undefined && config.TRUST_PROXY.trim() === '') {
    problems.push(
      `  - GATEWAY_USER_HEADER (got ${config.GATEWAY_USER_HEADER}): needs TRUST_PROXY naming the authenticating proxy's addresses; from any other peer the header would be anyone's to set`,
    )
  }
  if (problems.length > 0) throw new InvalidGatewayConfigError(problems.join('\n'))
}
