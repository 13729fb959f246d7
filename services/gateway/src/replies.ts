import { STATUS_CODES } from 'node:http'
import type { ResolvedTable } from '@zdd/routes'
import type { FastifyError, FastifyInstance } from 'fastify'
import { InternalGatewayError, RouteNotFoundError } from './errors.ts'

/**
 * Every error the gateway answers itself is `{statusCode, code, error, message}` JSON: client errors as
 * raised (413, 400, 404, …), upstream failures with their ZDD_GATEWAY_ code (503 with Retry-After), anything
 * unexpected as a logged ZDD_GATEWAY_INTERNAL without its message or stack.
 */
export function gatewayReplies(
  app: FastifyInstance,
  opts: { table: ResolvedTable; retryAfterS: number },
): void {
  const prefixes = opts.table.routes.map((route) => route.prefix).join(', ')

  app.setNotFoundHandler((request) => {
    throw new RouteNotFoundError(request.method, request.url.split('?')[0], prefixes)
  })

  app.setErrorHandler((error: FastifyError, request, reply) => {
    let shown = error
    const statusCode = error.statusCode ?? 500
    if (statusCode >= 500 && !error.code?.startsWith('ZDD_GATEWAY_')) {
      request.log.error({ err: error }, 'unexpected error while handling a request')
      shown = new InternalGatewayError()
    } else if (statusCode >= 500) {
      request.log.warn({ code: error.code, url: request.url }, error.message)
    }
    const status = shown.statusCode ?? 500
    if (status === 503) reply.header('retry-after', String(opts.retryAfterS))
    return reply.code(status).send({
      statusCode: status,
      code: shown.code ?? 'ZDD_GATEWAY_INTERNAL',
      error: STATUS_CODES[status] ?? 'Error',
      message: shown.message,
    })
  })
}
