import { pipeline, type Readable, Transform } from 'node:stream'

/**
 * Passes a body through unchanged while keeping a copy of its first `maxBytes`: resolves to the copy once
 * the body ended, to 'too-large' when it was longer, or to undefined when it broke off.
 */
export function captureBody(
  body: Readable,
  maxBytes: number,
): { stream: Readable; captured: Promise<Buffer | 'too-large' | undefined> } {
  const chunks: Buffer[] = []
  let size = 0
  const { promise, resolve } = Promise.withResolvers<Buffer | 'too-large' | undefined>()
  const tee = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      size += chunk.length
      if (size <= maxBytes) chunks.push(chunk)
      callback(null, chunk)
    },
    flush(callback) {
      resolve(size > maxBytes ? 'too-large' : Buffer.concat(chunks))
      callback()
    },
  })
  pipeline(body, tee, (err) => {
    if (err) resolve(undefined)
  })
  return { stream: tee, captured: promise }
}
