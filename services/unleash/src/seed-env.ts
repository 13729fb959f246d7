import { type Static, Type } from '@sinclair/typebox'
import { DEMO_FLAGS_FILE } from '@zdd/flags'

/** The seeding program's environment (seed-job.ts), validated once at start. */
export const SeedEnv = Type.Object({
  UNLEASH_URL: Type.String({
    pattern: '^https?://[^\\s]+$',
    description: 'the Unleash server, e.g. http://unleash:4242 (a trailing /api/ is accepted)',
  }),
  UNLEASH_ADMIN_TOKEN: Type.String({ minLength: 1, description: 'an admin API token (*:*.<secret>)' }),
  UNLEASH_PROJECT: Type.String({ minLength: 1, default: 'default', description: 'project of the flags' }),
  UNLEASH_ENVIRONMENT: Type.String({
    minLength: 1,
    default: 'development',
    description: "environment whose strategies and on/off are written (the backend token's)",
  }),
  FLAGS_FILE: Type.String({
    minLength: 1,
    default: DEMO_FLAGS_FILE,
    description: 'flags to seed, in the offline file format; the demo flags of @zdd/flags by default',
  }),
  SEED_RESET: Type.Boolean({
    default: false,
    description: 'true rewrites existing flags to the file; false keeps changes made since',
  }),
  SEED_WAIT_MS: Type.Integer({
    minimum: 0,
    maximum: 3_600_000,
    default: 300_000,
    description: 'how long to wait for Unleash to answer /health, in ms',
  }),
})
export type SeedConfig = Static<typeof SeedEnv>
