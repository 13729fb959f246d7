// Seeds an Unleash with the demo flags through its admin API, the same definitions and code as
// `zdd flags up`: the seeding Job of k8s/addons/unleash, or by hand against any Unleash
// (UNLEASH_URL=http://localhost:4242 UNLEASH_ADMIN_TOKEN=... node services/unleash/dist/seed-job.js).
// Idempotent: flags that exist keep the changes made since, unless SEED_RESET=true.
import { setTimeout as sleep } from 'node:timers/promises'
import { readFlagsFile } from '@zdd/flags'
import { loadConfig } from '@zdd/lifecycle'
import { AdminClient, healthy, seedFlags } from '@zdd/unleash-tools'
import { NotHealthyError } from './errors.ts'
import { SeedEnv } from './seed-env.ts'

const log = (fields: object, msg: string) =>
  process.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), ...fields, msg })}\n`)

try {
  const config = loadConfig(SeedEnv)
  const admin = new AdminClient({
    url: config.UNLEASH_URL,
    token: config.UNLEASH_ADMIN_TOKEN,
    project: config.UNLEASH_PROJECT,
    environment: config.UNLEASH_ENVIRONMENT,
  })
  const flags = readFlagsFile(config.FLAGS_FILE)
  // A Job may start before Unleash (and its migrations) are up.
  const deadline = performance.now() + config.SEED_WAIT_MS
  while (!(await healthy(admin.url))) {
    if (performance.now() > deadline) throw new NotHealthyError(admin.url, config.SEED_WAIT_MS)
    await sleep(2000)
  }
  const result = await seedFlags(admin, flags, { reset: config.SEED_RESET })
  log(
    {
      url: admin.url,
      file: config.FLAGS_FILE,
      created: result.created,
      updated: result.updated,
      kept: result.kept,
    },
    `seeded ${flags.features.length} flags in ${result.ms.toFixed(0)} ms`,
  )
} catch (err) {
  const { code, message } = err as Error & { code?: string }
  log({ code }, message)
  process.exitCode = 1
}
