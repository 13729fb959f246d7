import { cpus, freemem, loadavg, release, totalmem } from 'node:os'

export interface Machine {
  cpuModel: string
  cores: number
  /** 1, 5 and 15 minute load averages when the suite started. */
  loadavg: [number, number, number]
  memoryGiB: number
  freeMemoryGiB: number
  kernel: string
  node: string
  at: string
}

/** What every benchmark prints beside its figures: the machine, how busy it was, and the Node version. */
export function machine(): Machine {
  const cpu = cpus()
  const [one = 0, five = 0, fifteen = 0] = loadavg()
  const round = (n: number) => Math.round(n * 100) / 100
  return {
    cpuModel: cpu[0]?.model.trim() ?? 'unknown',
    cores: cpu.length,
    loadavg: [round(one), round(five), round(fifteen)],
    memoryGiB: round(totalmem() / 2 ** 30),
    freeMemoryGiB: round(freemem() / 2 ** 30),
    kernel: release(),
    node: process.version,
    at: new Date().toISOString(),
  }
}

/** A load average above the core count means other work competed with the benchmark for the CPU. */
export function busy(m: Machine): boolean {
  return m.loadavg[0] > m.cores * 0.5
}

export function describeMachine(m: Machine): string {
  return `${m.cpuModel}, ${m.cores} cores, load ${m.loadavg.join(' / ')}, Node ${m.node}, Linux ${m.kernel}`
}
