// The Unleash server as zdd runs it (`zdd flags up`, the zdd/unleash image): unleash-server's own start(),
// configured entirely from its environment variables (DATABASE_URL, HTTP_PORT, INIT_*_API_TOKENS, ...).
// It handles SIGTERM itself: in-flight requests finish, the database pool closes, the process exits.
import { start } from 'unleash-server'

try {
  await start()
} catch (err) {
  console.error(err)
  process.exit(1)
}
