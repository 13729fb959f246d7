import type { TestContext } from 'node:test'
import { FLAG, FlagsEnv, type UseFlagsOptions, useFlags } from '@zdd/flags'
import { createService, serviceEnv } from '@zdd/lifecycle'

const Env = serviceEnv({ ...FlagsEnv.properties })

/** A @zdd/lifecycle service using useFlags (demo flags), answering /whoami with its flag context and decisions. */
export async function flaggedService(t: TestContext, options: UseFlagsOptions = {}) {
  const service = await createService(
    {
      name: 'flagged',
      envSchema: Env,
      register(app, ctx) {
        useFlags(app, ctx, options)
        app.get('/whoami', async (request) => ({
          context: request.flags.context,
          variant: request.flags.variant(FLAG.abExperiment).name,
          canary: request.flags.isEnabled(FLAG.catalogCanary),
        }))
      },
    },
    { LOG_LEVEL: 'silent', PORT: '0', MANAGEMENT_PORT: '0' },
  )
  t.after(() => service.shutdown('test'))
  return service
}
