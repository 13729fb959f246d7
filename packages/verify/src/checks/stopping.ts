import { constants } from 'node:os'
import type { Exit } from '../child.ts'
import type { Leftover } from '../leftovers.ts'
import type { VerifyOptions } from '../options.ts'
import type { CheckResult } from '../report.ts'
import type { HangRun } from '../runs/hang-run.ts'
import type { MainRun } from '../runs/main-run.ts'
import type { Pid1Run } from '../runs/pid1-run.ts'
import { NEVER_READY, notApplicable } from './common.ts'

const describe = (exit: Exit) => (exit.signal !== null ? `killed by ${exit.signal}` : `code ${exit.code}`)

/** 5. Exits by itself, within the grace period, with code 0. */
export function exitCheck(run: MainRun, options: VerifyOptions): CheckResult {
  const base = { n: 5, id: 'exit', title: 'exits by itself with code 0 within the grace period' }
  const { exit } = run
  if (exit === undefined) return notApplicable(base, NEVER_READY)
  const grace = `grace period ${options.gracePeriod} s`
  if (exit.killed)
    return {
      ...base,
      status: 'fail',
      figure: `still running at the end of the ${grace}: SIGKILL`,
      reason: 'the kubelet kills what is still running at the deadline, with whatever is in flight.',
      fix: 'exit once the drain is done: close the listener, wait for in-flight requests, close clients and timers (or give every wait a deadline); keep terminationGracePeriodSeconds above preStop + delay + longest request',
    }
  const signum = constants.signals[options.signal]
  if (exit.signal === options.signal || exit.code === 128 + signum)
    return {
      ...base,
      status: 'fail',
      figure: `${describe(exit)} ${exit.afterMs} ms after the deletion (exit status ${128 + signum})`,
      reason: `killed by the signal's default action: the service has no ${options.signal} handler, so it stopped at once with requests in flight.`,
      fix: `handle ${options.signal}: fail readiness, keep serving for the propagation window, stop accepting, finish in-flight requests, exit 0`,
    }
  if (exit.code !== 0)
    return {
      ...base,
      status: 'fail',
      figure: `${describe(exit)} ${exit.afterMs} ms after the deletion`,
      reason:
        'a non-zero exit marks the container as failed (Error) and hides real failures among planned stops.',
      fix: 'exit 0 after a clean drain; keep non-zero codes for real failures (the service output shows what it reported)',
    }
  return {
    ...base,
    status: 'pass',
    figure: `exited 0 ${exit.afterMs} ms after the deletion (${grace})`,
    reason: 'clean exit',
  }
}

/** 6. As a container's PID 1, the signal reaches the service; behind a shell-form `sh -c`, reported. */
export function pid1Check(exec: Pid1Run, shell: Pid1Run, options: VerifyOptions): CheckResult {
  const base = { n: 6, id: 'pid1', title: 'as PID 1, the signal reaches the service' }
  if (exec.unavailable !== undefined) return notApplicable(base, exec.unavailable)
  if (!exec.ready || exec.exit === undefined) return notApplicable(base, `${NEVER_READY} as PID 1`)
  const shellForm = shellNote(shell, options)
  if (exec.exit.killed) {
    const isShell = /^(\S*\/)?(sh|bash|dash|ash|zsh)\b/.test(exec.pid1 ?? '')
    return {
      ...base,
      status: 'fail',
      figure: `${options.signal} to PID 1 (\`${exec.pid1}\`): still running at the end of the grace period (${options.gracePeriod} s), then SIGKILL. ${shellForm}`,
      reason: isShell
        ? 'PID 1 is a shell that runs the service as its child: it neither handles nor forwards the signal, so the service never heard it.'
        : `PID 1 ignores signals it has no handler for: the service as PID 1 must handle ${options.signal} itself.`,
      fix: isShell
        ? 'start the service with `exec` at the end of the entrypoint script, or run an init that forwards signals (ENTRYPOINT ["tini", "--"])'
        : `handle ${options.signal} in the service, or run it under an init that does (ENTRYPOINT ["tini", "--"])`,
    }
  }
  return {
    ...base,
    status: 'pass',
    figure: `exited (${describe(exec.exit)}) ${exec.exit.afterMs} ms after ${options.signal} to PID 1 (\`${exec.pid1}\`). ${shellForm}`,
    reason: 'the signal reached the service',
  }
}

/** What a Dockerfile shell-form CMD would do: who is PID 1 behind `sh -c`, and whether it catches the signal. */
function shellNote(shell: Pid1Run, options: VerifyOptions): string {
  if (shell.unavailable !== undefined || !shell.ready || shell.pid1 === undefined)
    return 'Behind `sh -c` (a shell-form CMD): not measured, the service did not get ready that way.'
  if (/^(\S*\/)?(sh|bash|dash|ash|zsh) -c /.test(shell.pid1) && shell.catches !== true)
    return `Behind \`sh -c\` (a shell-form CMD), the shell stays PID 1 and drops ${options.signal}: use the exec form (CMD ["…"]), \`exec\`, or tini.`
  return `Behind \`sh -c\` (a shell-form CMD), PID 1 is \`${shell.pid1}\` and ${shell.catches ? 'catches' : 'does not catch'} ${options.signal}.`
}

/** 7. With connections that never finish by themselves, the service still ends before the grace deadline. */
export function hangCheck(run: HangRun, options: VerifyOptions): CheckResult {
  const base = { n: 7, id: 'no-hang', title: 'does not hang on open connections' }
  if (!run.ready || run.exit === undefined) return notApplicable(base, NEVER_READY)
  const open = 'an idle keep-alive connection and a half-sent request open'
  if (run.exit.killed)
    return {
      ...base,
      status: 'fail',
      figure: `with ${open}: still running at the grace deadline (${options.gracePeriod} s), and 2 s after a second signal`,
      reason:
        'the drain waits for connections that never end by themselves; the kubelet SIGKILLs at the deadline.',
      fix: 'close idle connections when draining (Node: server.closeIdleConnections()), time out unfinished requests, and give the whole drain a deadline below the grace period',
    }
  if (run.secondSignalAt !== undefined)
    return {
      ...base,
      status: 'fail',
      figure: `with ${open}: still running at the grace deadline (${options.gracePeriod} s); exited on a second signal`,
      reason:
        'Kubernetes sends one signal, then SIGKILL at the deadline: the drain waited for connections that never end by themselves.',
      fix: 'give the drain a deadline of its own: close idle connections, then destroy what is still open',
    }
  return {
    ...base,
    status: 'pass',
    figure: `with ${open}: exited (${describe(run.exit)}) ${run.exit.afterMs} ms after the signal`,
    reason: 'ended by itself',
  }
}

/** 8. Nothing the command started is left running after it ended. */
export function leftoversCheck(runs: { name: string; leftovers: Leftover[] }[]): CheckResult {
  const base = { n: 8, id: 'leftovers', title: 'nothing left running after the command ends' }
  const left = runs.flatMap((run) => run.leftovers.map((leftover) => ({ ...leftover, run: run.name })))
  if (left.length === 0)
    return {
      ...base,
      status: 'pass',
      figure: `no process of the command outlived it in ${runs.length} runs`,
      reason: 'clean',
    }
  const listed = left.map(
    (leftover) => `${leftover.pid} \`${leftover.command.slice(0, 60)}\` (${leftover.run})`,
  )
  return {
    ...base,
    status: 'fail',
    figure: `${left.length} process${left.length === 1 ? '' : 'es'} left running (ended by zdd verify): ${listed.join('; ')}`,
    reason:
      "processes the service started outlived it: in a pod they die unclean with the container's cgroup, anywhere else they leak.",
    fix: 'pass the signal on to the processes you start and wait for them before exiting, or run under an init that does (tini -g)',
  }
}
