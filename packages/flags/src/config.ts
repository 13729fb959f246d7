import { Type } from '@sinclair/typebox'
import { DEMO_FLAGS_FILE } from './names.ts'

/** Environment fields of a service that evaluates flags; spread into `serviceEnv({...FlagsEnv.properties})`. */
export const FlagsEnv = Type.Object({
  FLAGS_FILE: Type.String({
    minLength: 1,
    default: DEMO_FLAGS_FILE,
    description:
      'offline bootstrap file (an Unleash /api/client/features response, full or delta; no flags = every flag off); watched in offline mode, used until the first sync in server mode',
  }),
  UNLEASH_URL: Type.Optional(
    Type.String({
      pattern: '^https?://[^\\s]+/api/?$',
      description: 'Unleash API URL ending in /api/ (e.g. http://127.0.0.1:4242/api/); unset = offline mode',
    }),
  ),
  UNLEASH_API_TOKEN: Type.Optional(
    Type.String({ minLength: 1, description: 'backend API token, required with UNLEASH_URL' }),
  ),
  UNLEASH_APP_NAME: Type.Optional(
    Type.String({ minLength: 1, description: 'appName in the flag context; defaults to the service name' }),
  ),
  UNLEASH_ENVIRONMENT: Type.String({
    minLength: 1,
    default: 'development',
    description: 'environment in the flag context',
  }),
  UNLEASH_REFRESH_MS: Type.Integer({
    minimum: 100,
    maximum: 600_000,
    default: 15_000,
    description: 'how often server mode polls Unleash, in ms (100-600000)',
  }),
})
