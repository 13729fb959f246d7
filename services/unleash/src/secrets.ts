import { ServerSecretsError } from './errors.ts'

/** What unleash-server falls back to when these variables are unset: known to everyone. */
const DEFAULTS: Record<string, string> = {
  UNLEASH_DEFAULT_ADMIN_PASSWORD: 'unleash4all',
  UNLEASH_SECRET: 'super-secret',
}
export const MIN_ADMIN_PASSWORD = 12
export const MIN_SESSION_SECRET = 32

/**
 * The admin password Unleash gives its first user and the secret that signs its sessions: both must be set,
 * long enough and not Unleash's published defaults. Every problem is named; none means the server may start.
 */
export function serverSecretProblems(env: NodeJS.ProcessEnv): string[] {
  const problems: string[] = []
  const check = (name: string, min: number, what: string) => {
    const value = env[name]
    if (value === undefined || value === '') problems.push(`${name} unset (${what})`)
    else if (value === DEFAULTS[name]) problems.push(`${name} set to Unleash's published default`)
    else if (value.length < min) problems.push(`${name} shorter than ${min} characters`)
  }
  check('UNLEASH_DEFAULT_ADMIN_PASSWORD', MIN_ADMIN_PASSWORD, 'the password of the admin user')
  check('UNLEASH_SECRET', MIN_SESSION_SECRET, 'the secret that signs admin sessions')
  return problems
}

/** Throws ZDD_UNLEASH_SERVER_SECRETS naming every problem. */
export function checkServerSecrets(env: NodeJS.ProcessEnv): void {
  const problems = serverSecretProblems(env)
  if (problems.length > 0) throw new ServerSecretsError(`safe secrets: ${problems.join('; ')}`)
}
