import { QueryError } from './errors.ts'

/** One series of an instant vector: its labels and its value at the query's time. */
export interface Series {
  labels: Record<string, string>
  value: number
}

interface VectorResponse {
  status: 'success' | 'error'
  error?: string
  data?: { resultType: string; result: { metric: Record<string, string>; value: [number, string] }[] }
}

/** An instant PromQL query over the HTTP API (`/api/v1/query`), at `atSeconds` (Unix time) or now. */
export async function instantQuery(url: string, promql: string, atSeconds?: number): Promise<Series[]> {
  const params = new URLSearchParams({ query: promql })
  if (atSeconds !== undefined) params.set('time', atSeconds.toFixed(3))
  let body: VectorResponse
  try {
    const response = await fetch(`${url}/api/v1/query?${params}`, { signal: AbortSignal.timeout(10_000) })
    body = (await response.json()) as VectorResponse
  } catch (error) {
    throw new QueryError(`Prometheus at ${url} did not answer (${(error as Error).message})`, promql)
  }
  if (body.status !== 'success' || !body.data) throw new QueryError(body.error ?? 'no data', promql)
  if (body.data.resultType !== 'vector')
    throw new QueryError(`expected an instant vector, got ${body.data.resultType}`, promql)
  return body.data.result.map((r) => ({ labels: r.metric, value: Number(r.value[1]) }))
}
