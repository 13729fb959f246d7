// Spec cases through `request.flags`: a real Fastify instance with the flags plugin, one injected request per
// case carrying the case's context the way requests carry it (user header, session cookie, the peer
// address; custom `properties` from the query string and `currentTime` from a header, mapped by this test
// service's `requestContext` option as a service would map its own fields).
import { type FlagClient, flagsPlugin, SESSION_COOKIE, USER_HEADER } from '@zdd/flags'
import Fastify, { type FastifyInstance } from 'fastify'
import type { Answers, SpecCase } from './spec.ts'
import { SPEC_ENVIRONMENT } from './spec-runners.ts'

const TIME_HEADER = 'x-spec-current-time'
/** Where injected requests come from when the case sets no remote address. */
const DEFAULT_PEER = '127.0.0.1'
const FIELDS = new Set([
  'userId',
  'sessionId',
  'remoteAddress',
  'properties',
  'currentTime',
  'appName',
  'environment',
])

/**
 * Why a case's context cannot be carried by a request, or undefined when it can. Only reasons that hold
 * for any HTTP request count here, never what @zdd/flags happens to accept.
 */
export function notExpressible(c: SpecCase): string | undefined {
  for (const [key, value] of Object.entries(c.context)) {
    if (!FIELDS.has(key)) return `context field "${key}" has no place in a request`
    if (key === 'properties') {
      if (typeof value !== 'object' || value === null) return 'properties is not an object'
      for (const v of Object.values(value)) {
        if (typeof v !== 'string') return 'a property value that is not text (a request carries text)'
      }
    } else if (typeof value !== 'string') return `${key} is not text (a request carries text)`
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this looks for
    else if ((key === 'userId' || key === 'sessionId') && /[\x00-\x1f\x7f]/.test(value)) {
      return `${key} with a control character such as a line break (no header or cookie carries one)`
    }
  }
  // Every request has a peer address: a case without one is only the same case if nothing looks at it.
  if (c.context.remoteAddress === undefined && JSON.stringify(c.spec.state).includes('remoteAddress')) {
    return 'no remote address, but the definitions read it (every request has one)'
  }
  return undefined
}

/** The context request.flags must carry for the case: its own fields plus the ones every request has. */
function carried(c: SpecCase): Record<string, unknown> {
  const { properties, ...rest } = c.context
  const context: Record<string, unknown> = {
    appName: c.spec.name,
    environment: SPEC_ENVIRONMENT,
    remoteAddress: DEFAULT_PEER,
    ...rest,
  }
  if (properties && Object.keys(properties).length > 0) context.properties = properties
  return context
}

async function app(client: FlagClient, appName: string, environment: string): Promise<FastifyInstance> {
  const instance = Fastify()
  await instance.register(flagsPlugin, {
    client,
    appName,
    environment,
    requestContext(request) {
      const query = request.query as Record<string, string | string[]>
      const properties = Object.fromEntries(
        Object.entries(query).filter((e): e is [string, string] => typeof e[1] === 'string'),
      )
      const time = request.headers[TIME_HEADER]
      return {
        ...(Object.keys(properties).length > 0 ? { properties } : {}),
        ...(typeof time === 'string' ? { currentTime: new Date(time) } : {}),
      }
    },
  })
  instance.get<{ Params: { flag: string } }>('/enabled/:flag', async (request) => ({
    context: request.flags.context,
    result: request.flags.isEnabled(request.params.flag),
  }))
  instance.get<{ Params: { flag: string } }>('/variant/:flag', async (request) => ({
    context: request.flags.context,
    result: request.flags.variant(request.params.flag),
  }))
  return instance
}

export interface RequestRun {
  answers: Answers
  /** Cases whose request did not carry the case's context, with what request.flags saw. */
  mismatches: string[]
}

/** Runs cases (of one spec, loaded in `client`) through request.flags, one Fastify instance per appName/environment. */
export async function runRequests(client: FlagClient, cases: SpecCase[]): Promise<RequestRun> {
  const answers: Answers = new Map()
  const mismatches: string[] = []
  const apps = new Map<string, Promise<FastifyInstance>>()
  try {
    for (const c of cases) {
      const context = carried(c)
      const appName = context.appName as string
      const environment = context.environment as string
      const key = JSON.stringify([appName, environment])
      let instance = apps.get(key)
      if (!instance) {
        instance = app(client, appName, environment)
        apps.set(key, instance)
      }
      const headers: Record<string, string> = {}
      if (typeof c.context.userId === 'string') headers[USER_HEADER] = c.context.userId
      if (typeof c.context.sessionId === 'string') headers.cookie = `${SESSION_COOKIE}=${c.context.sessionId}`
      if (typeof c.context.currentTime === 'string') headers[TIME_HEADER] = c.context.currentTime
      const response = await (await instance).inject({
        method: 'GET',
        url: `/${c.kind}/${encodeURIComponent(c.toggleName)}`,
        query: (c.context.properties ?? {}) as Record<string, string>,
        headers,
        remoteAddress: (c.context.remoteAddress as string | undefined) ?? DEFAULT_PEER,
      })
      if (response.statusCode !== 200) {
        answers.set(c.id, { status: response.statusCode, body: response.body })
        continue
      }
      const body = response.json() as { context: Record<string, unknown>; result: unknown }
      if (JSON.stringify(sorted(body.context)) !== JSON.stringify(sorted(context))) {
        mismatches.push(`${c.id}: carried ${JSON.stringify(body.context)}, wanted ${JSON.stringify(context)}`)
        answers.set(c.id, { contextMismatch: body.context })
        continue
      }
      answers.set(c.id, body.result)
    }
  } finally {
    for (const instance of apps.values()) await (await instance).close()
  }
  return { answers, mismatches }
}

function sorted(value: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(value)
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([k, v]) => [k, v && typeof v === 'object' && !Array.isArray(v) ? sorted(v as never) : v]),
  )
}
