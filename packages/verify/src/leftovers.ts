import { readdirSync, readFileSync } from 'node:fs'
import { setTimeout as sleep } from 'node:timers/promises'

/** A process that carries the run's marker in its environment, left running after the command ended. */
export interface Leftover {
  pid: number
  command: string
}

/** How long processes get to finish dying (a PID namespace's members die after its init) before they count. */
const SETTLE_MS = 1000

/**
 * Every process on the machine whose environment holds `marker` (NAME=value) once the command has ended: its
 * descendants, even those that left its process group or were re-parented. Processes on their way out get up
 * to a second; what is still there then is listed and SIGKILLed.
 */
export async function endLeftovers(marker: string): Promise<Leftover[]> {
  const deadline = performance.now() + SETTLE_MS
  let found = scan(marker)
  while (found.length > 0 && performance.now() < deadline) {
    await sleep(50)
    found = scan(marker)
  }
  for (const { pid } of found) {
    try {
      process.kill(pid, 'SIGKILL')
    } catch {
      // gone meanwhile
    }
  }
  return found
}

function scan(marker: string): Leftover[] {
  const found: Leftover[] = []
  const needle = Buffer.from(`\0${marker}\0`)
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue
    try {
      const environ = Buffer.concat([Buffer.from([0]), readFileSync(`/proc/${entry}/environ`)])
      if (!environ.includes(needle)) continue
      const command = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').join(' ').trim()
      found.push({ pid: Number(entry), command })
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return found
}
