// The Unleash server as zdd runs it (`zdd flags up`, the zdd/unleash image): unleash-server's own start(),
// configured entirely from its environment variables (DATABASE_URL, HTTP_PORT, INIT_*_API_TOKENS, ...),
// after a check that the admin password and the session secret are the operator's, not Unleash's defaults.
// It handles SIGTERM itself: in-flight requests finish, the database pool closes, the process exits.
import { checkServerSecrets } from './secrets.ts'

try {
  checkServerSecrets(process.env)
} catch (err) {
  // One line in the pod's log (and `zdd flags up`'s log file) saying what to set.
  console.error(`${(err as Error & { code: string }).code}: ${(err as Error).message}`)
  process.exit(1)
}

try {
  // Loaded after the check: a refused start does not load unleash-server's ~430 packages first.
  const { start } = await import('unleash-server')
  await start()
} catch (err) {
  console.error(err)
  process.exit(1)
}
