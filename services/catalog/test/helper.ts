import type { TestContext } from 'node:test'
import { createService } from '@zdd/lifecycle'
import type { FastifyInstance } from 'fastify'
import { catalogService } from '../src/app.ts'

export const TEST_ENV = { APP_VERSION: '1.4.0', POD_NAME: 'catalog-7d9f8-x2x4q', LOG_LEVEL: 'silent' }

/** The catalog's traffic app, built as in production but never bound: exercise it with `inject()`. */
export async function build(t: TestContext, env: Record<string, string> = {}): Promise<FastifyInstance> {
  const service = await createService(catalogService, { ...TEST_ENV, ...env })
  t.after(async () => {
    await service.app.close()
    await service.management.close()
  })
  return service.app
}
