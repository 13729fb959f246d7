import { type ChildProcess, spawn } from 'node:child_process'
import { once } from 'node:events'
import { readFileSync } from 'node:fs'
import { request } from 'node:http'
import { setTimeout as sleep } from 'node:timers/promises'

/** Ports come from the harness, like the pods' own. */
export { freePort } from '@zdd/ports'

/** One GET on a fresh connection; the status code, or 0 when the connection failed or timed out. */
export function getStatus(port: number, path: string, timeoutMs = 1000): Promise<number> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path, agent: false, timeout: timeoutMs }, (res) => {
      res.resume()
      resolve(res.statusCode ?? 0)
    })
    req.once('timeout', () => req.destroy())
    req.once('error', () => resolve(0))
    req.end()
  })
}

/** GET and read the body as text (metrics scrapes). */
export function getText(port: number, path: string, timeoutMs = 2000): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, agent: false, timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (chunk: Buffer) => chunks.push(chunk))
      res.once('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
    })
    req.once('timeout', () => req.destroy(new Error(`GET ${path} timed out`)))
    req.once('error', reject)
    req.end()
  })
}

export interface Spawned {
  child: ChildProcess
  pid: number
  /** Output kept for diagnostics when the process fails to start. */
  output: () => string
  stop: () => Promise<void>
}

/** Starts `node <entry>` (or another command) with `env` added to a minimal environment. */
export function spawnNode(
  args: readonly string[],
  env: Record<string, string>,
  command = process.execPath,
): Spawned {
  const child = spawn(command, [...args], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const tail: string[] = []
  const keep = (chunk: Buffer) => {
    tail.push(chunk.toString('utf8'))
    if (tail.length > 50) tail.shift()
  }
  child.stdout?.on('data', keep)
  child.stderr?.on('data', keep)
  return {
    child,
    pid: child.pid ?? 0,
    output: () => tail.join(''),
    stop: () => stop(child),
  }
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves once the process has exited. Safe to call twice. */
export async function stop(child: ChildProcess, graceMs = 5000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = once(child, 'exit')
  child.kill('SIGTERM')
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs)
  timer.unref()
  await exited
  clearTimeout(timer)
}

/**
 * Polls `path` on `port` every `intervalMs` until it answers 200; resolves to the milliseconds since
 * `since` (performance.now()). Rejects naming the output when the process exits or `timeoutMs` passes.
 */
export async function waitFor200(
  proc: Spawned,
  port: number,
  path: string,
  since: number,
  { intervalMs = 5, timeoutMs = 20_000 } = {},
): Promise<number> {
  while (performance.now() - since < timeoutMs) {
    if (proc.child.exitCode !== null) {
      throw new Error(`exited with ${proc.child.exitCode} before ${path} answered 200:\n${proc.output()}`)
    }
    if ((await getStatus(port, path, 500)) === 200) return performance.now() - since
    await sleep(intervalMs)
  }
  throw new Error(`${path} on :${port} did not answer 200 within ${timeoutMs} ms:\n${proc.output()}`)
}

/** CPU time (user + system) a process has used so far, in ms, from /proc (Linux; clock ticks of 10 ms). */
export function cpuTimeMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  // Fields after the command name (which may contain spaces) start at field 3; utime and stime are 14 and 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return (Number(fields[11]) + Number(fields[12])) * 10
}

/** Resident set size of a process in MiB, from /proc (Linux). */
export function rssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status)
  if (!match) throw new Error(`no VmRSS for pid ${pid}`)
  return Number(match[1]) / 1024
}

/**
 * Memory only this process holds (Private_Clean + Private_Dirty of /proc/<pid>/smaps_rollup), in MiB: RSS
 * without the pages it shares with other processes, chiefly the node binary's own code, which every Node
 * process on a machine maps from the same file.
 */
export function privateMiB(pid: number): number {
  const rollup = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8')
  const kib = (field: string) =>
    Number(new RegExp(`^${field}:\\s+(\\d+)\\s+kB`, 'm').exec(rollup)?.[1] ?? Number.NaN)
  return (kib('Private_Clean') + kib('Private_Dirty')) / 1024
}
