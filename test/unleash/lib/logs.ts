import { readFileSync } from 'node:fs'

export interface LogLine {
  level: number
  msg: string
  time: number
  [key: string]: unknown
}

/** The service's JSON log lines (pino), skipping anything that is not JSON. */
export function readLog(file: string): LogLine[] {
  let text = ''
  try {
    text = readFileSync(file, 'utf8')
  } catch {
    return []
  }
  return text.split('\n').flatMap((line) => {
    if (!line.startsWith('{')) return []
    try {
      return [JSON.parse(line) as LogLine]
    } catch {
      return []
    }
  })
}

/** The flag client's state changes (`flags: <state>`), one per change by design. */
export function flagStates(file: string): LogLine[] {
  return readLog(file).filter((line) => line.msg.startsWith('flags: '))
}

/** States after start-up: 'bootstrap' shows only when the file is read before the first poll answers. */
export function transitions(file: string): string[] {
  return flagStates(file)
    .map((line) => line.msg.slice('flags: '.length))
    .filter((state) => state !== 'bootstrap')
}

export async function waitFor<T>(
  what: string | (() => string),
  probe: () => T | undefined | Promise<T | undefined>,
  timeoutMs: number,
  intervalMs = 25,
): Promise<T> {
  const deadline = performance.now() + timeoutMs
  for (;;) {
    const value = await probe()
    if (value !== undefined && value !== false) return value
    if (performance.now() > deadline) {
      throw new Error(`${typeof what === 'string' ? what : what()}: not within ${timeoutMs} ms`)
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs))
  }
}
