import { spawn } from 'node:child_process'
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import type { Component, ComponentName } from './components.ts'
import type { Layout } from './layout.ts'

/**
 * The cluster's processes outlive the `zdd cluster up` that starts them: each runs detached in its own
 * session, logs to logs/<name>.log and is found again through pids/<name>.pid. A pid is trusted only
 * while /proc says it still runs the same program.
 */
export function logFile(l: Layout, name: string): string {
  return join(l.logs, `${name}.log`)
}

export function pidOf(l: Layout, name: ComponentName): number | undefined {
  const file = join(l.pids, `${name}.pid`)
  if (!existsSync(file)) return undefined
  const [pid, command] = readFileSync(file, 'utf8').split('\n')
  const n = Number(pid)
  return Number.isInteger(n) && n > 0 && runs(n, command ?? '') ? n : undefined
}

function runs(pid: number, command: string): boolean {
  try {
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')
    const state = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0]
    return cmdline[0] === command && state !== 'Z'
  } catch {
    return false
  }
}

export function start(l: Layout, c: Component): number {
  mkdirSync(l.logs, { recursive: true })
  mkdirSync(l.pids, { recursive: true })
  const out = openSync(logFile(l, c.name), 'a')
  writeFileSync(out, `\n--- ${new Date().toISOString()} ${c.command} ${c.args.join(' ')}\n`)
  const child = spawn(c.command, c.args, { detached: true, stdio: ['ignore', out, out] })
  closeSync(out)
  const pid = child.pid
  if (pid === undefined) throw new Error(`could not start ${c.name} (${c.command})`)
  child.unref()
  writeFileSync(join(l.pids, `${c.name}.pid`), `${pid}\n${c.command}\n`)
  return pid
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves once the process is gone. */
export async function stop(l: Layout, name: ComponentName, graceMs = 10_000): Promise<boolean> {
  const pid = pidOf(l, name)
  rmSync(join(l.pids, `${name}.pid`), { force: true })
  if (pid === undefined) return false
  await terminate(pid, graceMs)
  return true
}

export async function terminate(pid: number, graceMs: number): Promise<void> {
  const alive = () => {
    try {
      process.kill(pid, 0)
      const state = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0]
      return state !== 'Z'
    } catch {
      return false
    }
  }
  try {
    process.kill(pid, 'SIGTERM')
  } catch {
    return
  }
  const deadline = Date.now() + graceMs
  while (alive() && Date.now() < deadline) await sleep(50)
  if (alive()) {
    try {
      process.kill(pid, 'SIGKILL')
    } catch {}
    while (alive()) await sleep(20)
  }
}
