import type { FlagLogger } from '@zdd/flags'

export interface LogLine {
  level: 'info' | 'warn' | 'error'
  obj: object
  msg: string
}

/** Collects what the client logs, to assert "one line per state change". */
export function captureLog(): FlagLogger & { lines: LogLine[] } {
  const lines: LogLine[] = []
  return {
    lines,
    info: (obj, msg) => lines.push({ level: 'info', obj, msg }),
    warn: (obj, msg) => lines.push({ level: 'warn', obj, msg }),
    error: (obj, msg) => lines.push({ level: 'error', obj, msg }),
  }
}
