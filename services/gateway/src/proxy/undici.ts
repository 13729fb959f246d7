// undici's Agent and its request API, and nothing else of undici. Its index loads every part of undici
// (fetch, WebSocket, caches, mocks, proxy agents, interceptors) to patch the API onto Dispatcher.prototype:
// about a third of the gateway's start-up beyond a bare Fastify app, and ~14 MiB of its memory
// (bench/RESULTS.md, start-up). undici has no exports map: these are its own files, at the pinned version.
import type { Dispatcher, Agent as UndiciAgent } from 'undici'
import requestApi from 'undici/lib/api/api-request.js'
import AgentClass from 'undici/lib/dispatcher/agent.js'

export const Agent: typeof UndiciAgent = AgentClass
export type Agent = UndiciAgent

/** `dispatcher.request(options)`, which only undici's index adds to the dispatchers. */
export function request(
  dispatcher: Dispatcher,
  options: Dispatcher.RequestOptions,
): Promise<Dispatcher.ResponseData> {
  return requestApi.call(dispatcher, options)
}
