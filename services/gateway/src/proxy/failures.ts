import type { FastifyError } from 'fastify'
import { BadUpstreamResponseError, UpstreamTimeoutError, UpstreamUnavailableError } from '../errors.ts'
import type { UpstreamFailure } from './upstreams.ts'

export interface Timeouts {
  connectMs: number
  headersMs: number
  totalMs: number
}

/** The client-facing error for an upstream exchange that failed before any response: 503, 504 or 502. */
export function gatewayError(
  failure: UpstreamFailure,
  upstream: string,
  route: string,
  timeouts: Timeouts,
): FastifyError {
  switch (failure.kind) {
    case 'unavailable':
      return new UpstreamUnavailableError(upstream, route)
    case 'connect-timeout':
      return new UpstreamTimeoutError(
        upstream,
        route,
        'accept a connection',
        timeouts.connectMs,
        'GATEWAY_CONNECT_TIMEOUT_MS',
      )
    case 'headers-timeout':
      return new UpstreamTimeoutError(
        upstream,
        route,
        'send response headers',
        timeouts.headersMs,
        'GATEWAY_HEADERS_TIMEOUT_MS',
      )
    case 'total-timeout':
      return new UpstreamTimeoutError(
        upstream,
        route,
        'answer',
        timeouts.totalMs,
        'GATEWAY_UPSTREAM_TIMEOUT_MS',
      )
    default: {
      const cause = failure.cause as { code?: string; message?: string } | undefined
      return new BadUpstreamResponseError(upstream, route, cause?.code ?? 'connection broken')
    }
  }
}
