import type { FastifyBaseLogger } from 'fastify'

const SIGNAL_EXIT_CODES = { SIGTERM: 143, SIGINT: 130 } as const

/**
 * SIGTERM and SIGINT run `shutdown` once and exit with its code; a second signal exits at once (an operator
 * who presses Ctrl-C twice means it).
 */
export function exitOnSignals(log: FastifyBaseLogger, shutdown: (reason: string) => Promise<0 | 1>): void {
  let signalled = false
  for (const signal of Object.keys(SIGNAL_EXIT_CODES) as Array<keyof typeof SIGNAL_EXIT_CODES>) {
    process.on(signal, () => {
      if (signalled) {
        log.warn({ signal }, 'second signal: exiting now without finishing the drain')
        process.exit(SIGNAL_EXIT_CODES[signal])
      }
      signalled = true
      shutdown(signal).then(
        (code) => process.exit(code),
        (err) => {
          log.fatal({ err }, 'shutdown failed')
          process.exit(1)
        },
      )
    })
  }
}
