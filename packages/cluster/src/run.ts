import { spawn } from 'node:child_process'
import { CommandError } from './errors.ts'

export interface RunResult {
  code: number
  stdout: string
  stderr: string
}

/** Runs a command to its end and keeps its output; `check` turns a non-zero exit into CommandError. */
export function run(
  command: string,
  args: string[],
  options: { check?: boolean; env?: NodeJS.ProcessEnv; cwd?: string; input?: string } = {},
): Promise<RunResult> {
  const { check = true } = options
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      env: options.env ?? process.env,
      cwd: options.cwd,
      stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk
    })
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk
    })
    if (options.input !== undefined) child.stdin?.end(options.input)
    child.on('error', reject)
    child.on('close', (code) => {
      const result = { code: code ?? 1, stdout, stderr }
      if (check && result.code !== 0) {
        reject(new CommandError(`${command} ${args.join(' ')}`, result.code, tail(`${stderr}${stdout}`, 20)))
      } else resolve(result)
    })
  })
}

export function tail(text: string, lines: number): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n')
}
