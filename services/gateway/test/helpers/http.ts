import type { OutgoingHttpHeaders } from 'node:http'
import { type HttpAnswer, request } from '@zdd/test-support'

export type Answer = HttpAnswer

/**
 * One request on its own connection with exactly these headers and this path (node:http, no agent): fetch
 * would normalise `..`, refuse hop-by-hop headers and add its own.
 */
export function send(
  port: number,
  path: string,
  opts: { method?: string; headers?: OutgoingHttpHeaders; body?: string | Buffer } = {},
): Promise<Answer> {
  return request(port, path, opts.method ?? 'GET', { headers: opts.headers ?? {}, body: opts.body })
}

/** Error bodies are for clients: the documented fields, never a stack trace or a source path. */
export function assertCleanError(answer: Answer, status: number, code: string): Record<string, unknown> {
  const problems: string[] = []
  if (answer.status !== status) problems.push(`status ${answer.status}, expected ${status}`)
  if (!/^application\/json/.test(String(answer.headers['content-type']))) problems.push('not JSON')
  if (/\bat .+:\d+:\d+|node_modules|\.ts\b|stack/.test(answer.body)) problems.push('leaks internals')
  let body: Record<string, unknown> = {}
  try {
    body = JSON.parse(answer.body) as Record<string, unknown>
  } catch {
    problems.push('unparseable body')
  }
  if (body.code !== code) problems.push(`code ${String(body.code)}, expected ${code}`)
  if (body.statusCode !== status) problems.push(`body statusCode ${String(body.statusCode)}`)
  if (Object.keys(body).sort().join() !== 'code,error,message,statusCode') problems.push('unexpected fields')
  if (problems.length > 0) throw new Error(`${problems.join('; ')}: ${answer.status} ${answer.body}`)
  return body
}
