export * as errors from './errors.ts'
export { checkServerSecrets, serverSecretProblems } from './secrets.ts'
export { type SeedConfig, SeedEnv } from './seed-env.ts'
