import type { AdminClient } from '../admin.ts'

/** The name of the backend token `zdd flags up` creates for the services. */
export const BACKEND_TOKEN_NAME = 'zdd-services'

/**
 * The services' backend token: the one saved earlier if the server still has it, else any token of that
 * name, else a new one (so repeated `flags up` never piles up tokens).
 */
export async function ensureBackendToken(admin: AdminClient, saved: string | undefined): Promise<string> {
  const tokens = (await admin.tokens()).filter((t) => t.tokenName === BACKEND_TOKEN_NAME)
  const kept =
    tokens.find((t) => t.secret === saved) ?? tokens.find((t) => t.environment === admin.environment)
  if (kept) return kept.secret
  return (await admin.createBackendToken(BACKEND_TOKEN_NAME)).secret
}
