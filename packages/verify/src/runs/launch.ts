import { randomUUID } from 'node:crypto'
import { freePort } from '@zdd/ports'
import { Child } from '../child.ts'
import { endLeftovers, type Leftover } from '../leftovers.ts'
import type { VerifyOptions } from '../options.ts'
import { waitReady } from '../watch.ts'

/** What every run needs: the command, where to run it, and the options. */
export interface Target {
  argv: string[]
  cwd: string
  env: NodeJS.ProcessEnv
  options: VerifyOptions
}

/** One start of the command, as a pod's container: its ports, the marker that finds its descendants. */
export interface Launched {
  child: Child
  port: number
  managementPort: number
  /** Where the probes are read: the management port, or the traffic port with --probes-on-port. */
  probePort: number
  marker: string
  /** performance.now() at the spawn: every time in a run is ms since it. */
  origin: number
}

export const MARKER_VARIABLE = 'ZDD_VERIFY_RUN'

/** Starts the command with PORT, MANAGEMENT_PORT and the run's marker; `argv` replaces the command if given. */
export async function launch(target: Target, argv = target.argv): Promise<Launched> {
  const { options } = target
  const port = options.port || (await freePort())
  const managementPort = options.managementPort || (await freePort(port))
  const marker = `${MARKER_VARIABLE}=${randomUUID()}`
  const env = {
    ...target.env,
    PORT: String(port),
    MANAGEMENT_PORT: String(managementPort),
    [MARKER_VARIABLE]: marker.split('=')[1],
  }
  const origin = performance.now()
  const child = await Child.start(argv, env, target.cwd)
  return {
    child,
    port,
    managementPort,
    probePort: options.probesOnPort ? port : managementPort,
    marker,
    origin,
  }
}

/** Waits for the first ready answer on the probe port, until --startup-timeout or the command's exit. */
export function untilReady(run: Launched, options: VerifyOptions): Promise<boolean> {
  return waitReady(
    run.probePort,
    options.readyPath,
    run.origin + options.startupTimeout * 1000,
    () => !run.child.alive,
  )
}

/** Ends a run: whatever still runs of the command is killed, then what outlived it is listed. */
export async function endRun(run: Launched): Promise<{ leftovers: Leftover[]; output: string }> {
  if (run.child.alive) {
    run.child.killGroup()
    await run.child.waitExit(run.origin, performance.now() + 5000)
  }
  return { leftovers: await endLeftovers(run.marker), output: run.child.output() }
}
