import { spawn } from 'node:child_process'
import { join } from 'node:path'
import type { LoadgenResult, LoadgenSpec } from './loadgen.ts'

const LOADGEN = join(import.meta.dirname, 'loadgen.ts')

/** Runs the load generator in its own process and returns its result. */
export async function runLoadProcess(spec: LoadgenSpec): Promise<LoadgenResult> {
  const child = spawn(process.execPath, [LOADGEN, JSON.stringify(spec)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString('utf8')
  })
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8')
  })
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve))
  if (code !== 0) throw new Error(`load generator exited with ${code}: ${stderr}`)
  return JSON.parse(stdout.trim()) as LoadgenResult
}
