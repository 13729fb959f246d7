import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { log } from '../lib/log.ts'
import { type Machine, machine } from '../lib/machine.ts'
import { median, round } from '../lib/stats.ts'
import type { Mode, Op } from './measure.ts'

export interface FlagsParams {
  /** Measured time per run, after a warm-up of half as long (at most 1 s). */
  durationMs: number
  /** Runs per mode and operation, each in a fresh process, modes interleaved; the median is reported. */
  rounds: number
}

export interface FlagsResults {
  suite: 'flags'
  machine: Machine
  params: FlagsParams
  /** Decisions per CPU second of the measuring process, one entry per round, by operation and mode. */
  rates: Record<Op, Record<Mode, number[]>>
  durationMs: number
}

const MODES: Mode[] = ['raw', 'wrapper', 'wrapper-no-metrics']
const OPS: Op[] = ['isEnabled', 'variant']
const MEASURE = join(import.meta.dirname, 'measure.ts')

function measureInChild(mode: Mode, op: Op, durationMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [MEASURE, mode, op, String(durationMs)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    })
    let out = ''
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8')
    })
    child.once('exit', (code) => {
      if (code !== 0) return reject(new Error(`flags measurement ${mode} ${op} exited with ${code}`))
      const { decisions, cpuMs } = JSON.parse(out.trim()) as { decisions: number; cpuMs: number }
      resolve((decisions / cpuMs) * 1000)
    })
  })
}

export async function runFlagsBench(params: FlagsParams): Promise<FlagsResults> {
  const startedAt = performance.now()
  const info = machine()
  const rates = Object.fromEntries(
    OPS.map((op) => [op, Object.fromEntries(MODES.map((mode) => [mode, [] as number[]]))]),
  ) as FlagsResults['rates']
  for (let round_ = 1; round_ <= params.rounds; round_ += 1) {
    for (const op of OPS) {
      for (const mode of MODES)
        rates[op][mode].push(round(await measureInChild(mode, op, params.durationMs), 0))
    }
  }
  for (const op of OPS) {
    const raw = median(rates[op].raw)
    const wrapped = median(rates[op].wrapper)
    log(
      `flags ${op}: raw ${Math.round(raw)}/s, @zdd/flags ${Math.round(wrapped)}/s (${round((1 - wrapped / raw) * 100, 1)} % overhead)`,
    )
  }
  return {
    suite: 'flags',
    machine: info,
    params,
    rates,
    durationMs: Math.round(performance.now() - startedAt),
  }
}
