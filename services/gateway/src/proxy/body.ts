import type { FastifyInstance } from 'fastify'
import { InvalidJsonBodyError } from '../errors.ts'

const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\b/i

/**
 * Request bodies are kept as the bytes the client sent (forwarded unchanged, and replayable for the one
 * retry); JSON ones are checked first, so a malformed body is a 400 here rather than upstream. Fastify's
 * bodyLimit turns larger bodies into 413 before they are read. Scoped to the plugin it is called in.
 */
export function keepRawBodies(app: FastifyInstance): void {
  app.removeAllContentTypeParsers()
  app.addContentTypeParser(JSON_TYPE, { parseAs: 'buffer' }, (_request, body: Buffer, done) => {
    if (body.length > 0) {
      try {
        JSON.parse(body.toString('utf8'))
      } catch (err) {
        done(new InvalidJsonBodyError((err as Error).message), undefined)
        return
      }
    }
    done(null, body)
  })
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body: Buffer, done) => {
    done(null, body)
  })
}
