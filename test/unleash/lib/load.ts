import { Pool } from 'undici'

export interface LoadResult {
  sent: number
  ok: number
  failed: number
  /** Failure kinds: `status <code>` or the error code, with counts. */
  failures: Record<string, number>
  durationMs: number
}

export interface Load {
  stop(): Promise<LoadResult>
  /** Requests answered so far. */
  readonly done: number
}

/**
 * Open-loop load: `rps` requests a second over `connections` keep-alive connections, spread over `paths`
 * and a pool of users, whatever the answers take (a slow answer never delays the next request).
 */
export function startLoad(origin: string, paths: string[], rps: number, connections = 8): Load {
  const pool = new Pool(origin, { connections, pipelining: 1 })
  const result: LoadResult = { sent: 0, ok: 0, failed: 0, failures: {}, durationMs: 0 }
  const inflight = new Set<Promise<void>>()
  const started = performance.now()
  let stopped: Promise<LoadResult> | undefined
  const fail = (kind: string) => {
    result.failed++
    result.failures[kind] = (result.failures[kind] ?? 0) + 1
  }
  const fire = () => {
    const n = result.sent++
    const path = paths[n % paths.length] as string
    const request = pool
      .request({ path, method: 'GET', headers: { 'x-zdd-user': `load-${n % 500}` } })
      .then(async (res) => {
        await res.body.dump()
        if (res.statusCode === 200) result.ok++
        else fail(`status ${res.statusCode}`)
      })
      .catch((err: NodeJS.ErrnoException) => fail(err.code ?? err.message))
      .finally(() => inflight.delete(request))
    inflight.add(request)
  }
  // A 10 ms tick sends what is due since the start, so timer drift never lowers the rate.
  const timer = setInterval(() => {
    const due = Math.floor(((performance.now() - started) / 1000) * rps)
    while (result.sent < due) fire()
  }, 10)
  timer.unref()
  return {
    get done() {
      return result.ok + result.failed
    },
    // Idempotent: the test stops it to read the result, and again after a failure.
    stop() {
      stopped ??= (async () => {
        clearInterval(timer)
        await Promise.all(inflight)
        result.durationMs = performance.now() - started
        await pool.close()
        return result
      })()
      return stopped
    },
  }
}

/** Polls each management port's /readyz and /livez every `intervalMs`; counts every answer that is not 200. */
export function watchProbes(ports: number[], intervalMs = 100) {
  const counts = { polls: 0, notReady: 0, notLive: 0, details: [] as string[] }
  const check = async (port: number, path: string) => {
    try {
      const res = await fetch(`http://127.0.0.1:${port}${path}`, { signal: AbortSignal.timeout(1000) })
      await res.arrayBuffer()
      return res.status === 200 ? undefined : `${port}${path} ${res.status}`
    } catch (err) {
      return `${port}${path} ${(err as Error).message}`
    }
  }
  let busy = false
  const timer = setInterval(async () => {
    if (busy) return
    busy = true
    const answers = await Promise.all(
      ports.flatMap((port) => [check(port, '/readyz'), check(port, '/livez')]),
    )
    counts.polls++
    answers.forEach((problem, i) => {
      if (!problem) return
      if (i % 2 === 0) counts.notReady++
      else counts.notLive++
      counts.details.push(problem)
    })
    busy = false
  }, intervalMs)
  timer.unref()
  return {
    stop() {
      clearInterval(timer)
      return counts
    },
  }
}
