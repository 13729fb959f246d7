import type { Static, TObject } from '@sinclair/typebox'
import { createService, type Service, type ServiceDefinition } from './service.ts'
import { exitOnSignals } from './signals.ts'

/**
 * The process entry point for a service: validated config (or exit 1 naming every bad variable), start,
 * then SIGTERM/SIGINT run the shutdown sequence once; a second signal exits at once. Uncaught exceptions
 * and unhandled rejections are logged and exit 1: state after them cannot be trusted.
 */
export async function runService<S extends TObject>(
  def: ServiceDefinition<S>,
): Promise<Service<Readonly<Static<S>>>> {
  let service: Service<Readonly<Static<S>>>
  try {
    service = await createService(def)
  } catch (err) {
    const { code, message } = err as Error & { code?: string }
    process.stderr.write(`${def.name}: ${code ? `${code}: ` : ''}${message}\n`)
    process.exit(1)
  }
  const log = service.app.log

  process.on('uncaughtException', (err) => {
    log.fatal({ err }, 'uncaught exception; exiting')
    process.exit(1)
  })
  process.on('unhandledRejection', (err) => {
    log.fatal({ err }, 'unhandled promise rejection; exiting')
    process.exit(1)
  })

  exitOnSignals(log, (reason) => service.shutdown(reason))

  try {
    await service.start()
  } catch (err) {
    log.fatal({ err }, (err as Error).message)
    process.exit(1)
  }
  return service
}
