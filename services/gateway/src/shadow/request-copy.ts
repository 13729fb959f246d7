import { type Readable, Transform } from 'node:stream'
import type { HeldBytes } from '../proxy/body.ts'

/** Why a request was not mirrored because of its body. */
export type BodyDrop = 'too_large' | 'held_budget' | 'broken'

export interface RequestCopy {
  /** The body for the primary exchange: the same bytes, streamed. */
  stream: Readable
  /** The copy for the shadow once the body ended, or why there is none. */
  copy: Promise<{ body: Buffer; release: () => void } | { drop: BodyDrop }>
}

/**
 * Streams a request body to the primary while keeping a copy of it for the shadow, at most `maxBytes` and
 * only while the gateway-wide `held` budget allows: past either, the copy is given up at once (its bytes
 * released, the mirror skipped and counted) and the primary keeps streaming. The copy's bytes stay held
 * until the shadow exchange calls `release`.
 */
export function copyRequestBody(body: Readable, maxBytes: number, held: HeldBytes): RequestCopy {
  let chunks: Buffer[] | undefined = []
  let size = 0
  let drop: BodyDrop | undefined
  const giveUp = (reason: BodyDrop) => {
    if (drop) return
    drop = reason
    held.give(size)
    chunks = undefined
  }
  const { promise, resolve } = Promise.withResolvers<Awaited<RequestCopy['copy']>>()
  const tee = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      if (chunks) {
        if (size + chunk.length > maxBytes) giveUp('too_large')
        else if (!held.take(chunk.length)) giveUp('held_budget')
        else {
          size += chunk.length
          chunks.push(chunk)
        }
      }
      callback(null, chunk)
    },
    flush(callback) {
      if (chunks) {
        const kept = size
        let released = false
        resolve({
          body: Buffer.concat(chunks),
          release: () => {
            if (!released) held.give(kept)
            released = true
          },
        })
      } else resolve({ drop: drop ?? 'broken' })
      callback()
    },
  })
  const broken = () => {
    giveUp('broken')
    resolve({ drop: drop ?? 'broken' })
  }
  tee.on('error', broken)
  tee.on('close', () => {
    if (!tee.writableFinished) broken()
  })
  body.on('error', (err) => tee.destroy(err))
  return { stream: body.pipe(tee), copy: promise }
}
