import { type Readable, Transform } from 'node:stream'
import { errorCodes, type FastifyInstance, type FastifyRequest } from 'fastify'

/**
 * Request bodies are not read here: the parser hands the request stream on, and the proxy streams it to the
 * upstream, so the gateway holds a few socket buffers per request, never whole bodies. Scoped to the plugin
 * it is called in. JSON is not checked here either: the upstream answers for its own API.
 */
export function streamBodies(app: FastifyInstance): void {
  app.removeAllContentTypeParsers()
  app.addContentTypeParser('*', (_request: FastifyRequest, payload: Readable, done) => {
    done(null, payload)
  })
}

/**
 * The body to forward, bounded by `limit`: a declared Content-Length above it is refused at once (413, no
 * byte forwarded); a chunked body is counted as it streams and broken off with the same 413 past it.
 */
export function boundedBody(request: FastifyRequest, limit: number): Readable | undefined {
  const body = request.body as Readable | undefined
  if (!body || typeof (body as { pipe?: unknown }).pipe !== 'function') return undefined
  const declared = Number(request.headers['content-length'] ?? Number.NaN)
  if (declared > limit) throw new errorCodes.FST_ERR_CTP_BODY_TOO_LARGE()
  if (declared === 0) return undefined
  // A declared length is enforced by Node's parser: the stream goes on as it is, with no extra buffer.
  if (Number.isFinite(declared)) return body
  let seen = 0
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      seen += chunk.length
      if (seen > limit) callback(new errorCodes.FST_ERR_CTP_BODY_TOO_LARGE())
      else callback(null, chunk)
    },
  })
  body.on('error', (err) => counter.destroy(err))
  return body.pipe(counter)
}

/** Bytes held at once for shadow copies of request bodies, across every request of the gateway. */
export class HeldBytes {
  #held = 0
  readonly #budget: number
  constructor(budget: number) {
    this.#budget = budget
  }
  get held(): number {
    return this.#held
  }
  /** Reserves `bytes`; false (nothing reserved) when the budget would be passed. */
  take(bytes: number): boolean {
    if (this.#held + bytes > this.#budget) return false
    this.#held += bytes
    return true
  }
  give(bytes: number): void {
    this.#held -= bytes
  }
}
