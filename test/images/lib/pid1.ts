// Starts a command as PID 1 of its own PID namespace (`unshare --pid --fork --mount-proc`), the way a
// container runtime starts an image's ENTRYPOINT/CMD, optionally as the image's numeric USER (setpriv).
// The kernel delivers a signal to a namespace's PID 1 only when it installed a handler for it: a node
// without a SIGTERM handler keeps running, which is what these tests rely on.
import { type ChildProcess, spawn } from 'node:child_process'
import { readdirSync, readFileSync, readlinkSync } from 'node:fs'
import { basename } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'

export interface NamespacedProcess {
  /** The unshare process (host side); it exits with its child's status. */
  unshare: ChildProcess
  /** The namespace's PID 1 as the host sees it. */
  pid: number
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
  output: () => string
}

export interface StartOptions {
  cwd: string
  env: Record<string, string>
  /** `uid:gid` to run as (root only: needs setuid); unprivileged runs map the caller to root instead. */
  user?: string | undefined
}

const UNSHARE = '/usr/bin/unshare'
const SETPRIV = '/usr/bin/setpriv'

export async function startAsPid1(command: string[], options: StartOptions): Promise<NamespacedProcess> {
  const root = process.getuid?.() === 0
  const namespaces = root ? [] : ['--user', '--map-root-user']
  const drop =
    root && options.user
      ? [
          SETPRIV,
          `--reuid=${options.user.split(':')[0]}`,
          `--regid=${options.user.split(':')[1] ?? options.user}`,
          '--clear-groups',
          '--',
        ]
      : []
  const args = [...namespaces, '--pid', '--fork', '--mount-proc', ...drop, ...command]
  const unshare = spawn(UNSHARE, args, {
    cwd: options.cwd,
    env: options.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  unshare.stdout!.on('data', (chunk) => {
    output += chunk
  })
  unshare.stderr!.on('data', (chunk) => {
    output += chunk
  })
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve, reject) => {
    unshare.once('error', (err) =>
      reject(new Error(`${UNSHARE} failed to start (util-linux provides it): ${err.message}`)),
    )
    unshare.once('exit', (code, signal) => resolve({ code, signal }))
  })
  const pid = await Promise.race([
    childOf(unshare.pid!, 5000),
    exited.then(({ code }) => {
      throw new Error(`unshare ${args.join(' ')} exited ${code} before starting its child:\n${output}`)
    }),
  ])
  return { unshare, pid, exited, output: () => output }
}

/** The host pid of `ppid`'s child (no /proc/<pid>/task/<tid>/children on every kernel, so scan /proc). */
async function childOf(ppid: number, timeoutMs: number): Promise<number> {
  const deadline = performance.now() + timeoutMs
  while (performance.now() < deadline) {
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue
      try {
        const stat = readFileSync(`/proc/${entry}/stat`, 'utf8')
        // "pid (comm) state ppid …": comm may hold spaces and parentheses, so split after the last ')'.
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
        if (Number(fields[1]) === ppid) return Number(entry)
      } catch {}
    }
    await sleep(20)
  }
  throw new Error(`no child of pid ${ppid} after ${timeoutMs} ms`)
}

/** A status line of /proc/<pid>/status, split on whitespace (`NSpid: 4242 1` → ['4242', '1']). */
export function procStatus(pid: number, key: string): string[] {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`${key}:`))
  return (
    line
      ?.slice(key.length + 1)
      .trim()
      .split(/\s+/) ?? []
  )
}

/** The executable's file name (`comm` will not do: node names its main thread "MainThread"). */
export function procExe(pid: number): string {
  return basename(readlinkSync(`/proc/${pid}/exe`))
}

export { freePort, get, type HttpAnswer } from '@zdd/test-support'

/** Polls `check` until it returns a value, or fails after `timeoutMs` (or once `stop` says so). */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined>,
  timeoutMs: number,
  stop: () => string | undefined = () => undefined,
): Promise<T> {
  const deadline = performance.now() + timeoutMs
  let last: unknown
  while (performance.now() < deadline) {
    const reason = stop()
    if (reason !== undefined) throw new Error(`${what}: ${reason}`)
    try {
      const value = await check()
      if (value !== undefined) return value
    } catch (err) {
      last = err
    }
    await sleep(25)
  }
  throw new Error(`${what}: not within ${timeoutMs} ms${last ? ` (last: ${(last as Error).message})` : ''}`)
}

/** `promise`, or an error after `timeoutMs`; the timer never outlives the race. */
export async function within<T>(promise: Promise<T>, timeoutMs: number, message: () => string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message())), timeoutMs)
  })
  try {
    return await Promise.race([promise, timeout])
  } finally {
    clearTimeout(timer)
  }
}
