import type { TestContext } from 'node:test'
import { fileURLToPath } from 'node:url'
import { type ServiceProcess, startService } from '@zdd/test-support'

export { type Exit, type LogLine, logIndex, type ServiceProcess } from '@zdd/test-support'

/** Options for every process test: a child that hangs fails its test instead of stalling the whole run. */
export const E2E = { timeout: 30_000 }

const FIXTURE = fileURLToPath(new URL('../fixtures/service.ts', import.meta.url))

/** The fixture service (fixtures/service.ts) as a real process: see startService in @zdd/test-support. */
export function startFixture(
  t: TestContext,
  env: Record<string, string> = {},
  options: { ready?: boolean } = {},
): Promise<ServiceProcess> {
  return startService(t, FIXTURE, env, options)
}

/** Once the log says `started` (a request began), sends SIGTERM and waits until the listener closes. */
export async function terminateDuring(service: ServiceProcess, started: string): Promise<number> {
  await service.waitForLog(started, (line) => line.msg === started)
  const signalledAt = service.signal('SIGTERM')
  await service.waitForLog(
    'closing the listener',
    (line) => line.msg?.startsWith('closing the listener') === true,
  )
  return signalledAt
}
