import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { constants } from 'node:os'
import { setTimeout as sleep } from 'node:timers/promises'
import { type Exit, shellQuote } from '../child.ts'
import type { Leftover } from '../leftovers.ts'
import { endRun, launch, type Target, untilReady } from './launch.ts'

/** What the command did as PID 1 of a PID namespace, as a container's main process. */
export interface Pid1Run {
  /** Why the run could not be made here (no `unshare`, no permission). */
  unavailable?: string
  ready: boolean
  /** PID 1's command line once the service was ready: the command, a shell, an init. */
  pid1?: string
  /** PID 1 has a handler for the stop signal (SigCgt): without one, the signal is dropped. */
  catches?: boolean
  /** Only in the exec form: how it ended after the signal to PID 1. */
  exit?: Exit
  leftovers: Leftover[]
  output: string
}

/**
 * Runs the command as PID 1 of a new PID namespace (`unshare --pid --fork --mount-proc`), as a container
 * does: in the exec form as given, then sends the stop signal to that PID 1 only, as a container runtime does;
 * in the shell form behind `sh -c '<command>'` (a Dockerfile's shell-form CMD), only to see who PID 1 is and
 * whether it catches the signal. PID 1 gets only the signals it has a handler for.
 */
export async function pid1Run(target: Target, form: 'exec' | 'shell'): Promise<Pid1Run> {
  const unshare = unshareArgs()
  if (typeof unshare === 'string') return { unavailable: unshare, ready: false, leftovers: [], output: '' }
  const { options } = target
  const command = form === 'exec' ? target.argv : ['sh', '-c', shellQuote(target.argv)]
  const run = await launch(target, [...unshare, '--', ...command])
  const { child } = run
  const result: Pid1Run = { ready: false, leftovers: [], output: '' }
  try {
    result.ready = await untilReady(run, options)
    if (!result.ready) return result
    const init = await namespaceInit(child.pid)
    if (init === undefined) return result
    result.pid1 = readFileSync(`/proc/${init}/cmdline`, 'utf8').split('\0').join(' ').trim()
    result.catches = catches(init, options.signal)
    if (form === 'shell') return result
    const deleted = performance.now()
    await sleep(options.prestopSleep * 1000)
    child.signal(options.signal, init)
    result.exit = await child.waitExit(deleted, deleted + options.gracePeriod * 1000)
    return result
  } finally {
    Object.assign(result, await endRun(run))
  }
}

/** Whether a process has a handler for a signal: its bit in SigCgt of /proc/PID/status. */
function catches(pid: number, signal: NodeJS.Signals): boolean {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').match(/^SigCgt:\s*([0-9a-f]+)$/m)
  return line !== null && ((BigInt(`0x${line[1]}`) >> BigInt(constants.signals[signal] - 1)) & 1n) === 1n
}

/** The unshare command line that makes a PID namespace here, or why none can be made. */
function unshareArgs(): string[] | string {
  const base = ['unshare', '--pid', '--fork', '--kill-child', '--mount-proc']
  const args = process.getuid?.() === 0 ? base : [...base, '--user', '--map-root-user']
  const probe = spawnSync(args[0] as string, [...args.slice(1), 'true'], { encoding: 'utf8' })
  if (probe.error) return `unshare could not run (${probe.error.message}); install util-linux`
  if (probe.status !== 0) return `unshare cannot make a PID namespace here: ${probe.stderr.trim()}`
  return args
}

/** The host pid of the namespace's PID 1: the child unshare forked. */
async function namespaceInit(unsharePid: number): Promise<number | undefined> {
  for (let i = 0; i < 100; i++) {
    try {
      const children = readFileSync(`/proc/${unsharePid}/task/${unsharePid}/children`, 'utf8').trim()
      if (children !== '') return Number(children.split(' ')[0])
    } catch {
      return undefined
    }
    await sleep(20)
  }
  return undefined
}
