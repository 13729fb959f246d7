import createError from '@fastify/error'

// One registry for the package: every error a user can meet, with a code and what to do about it.
export const FlagsFileError = createError(
  'ZDD_FLAGS_FILE_INVALID',
  'Flags file %s is not usable: %s. Fix the file (an Unleash /api/client/features response: {"version":2,"features":[...],"segments":[...]}, or its delta form {"events":[...]}) or point FLAGS_FILE at another one.',
)

export const FlagsConfigError = createError('ZDD_FLAGS_CONFIG', 'Invalid flags configuration: %s')

export const UnknownFlagError = createError(
  'ZDD_FLAGS_UNKNOWN_FLAG',
  'No flag named "%s" in %s; known flags: %s.',
)

export const FlagEditError = createError('ZDD_FLAGS_EDIT', 'Cannot change flag "%s": %s')
