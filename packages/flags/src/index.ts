/** The request-flags handle is `request.flags`; `Flags` names the service-level client. */
export type { FlagClient as Flags } from './client.ts'
export { type Evaluation, FlagClient, type FlagClientOptions, type FlagLogger } from './client.ts'
export { FlagsEnv } from './config.ts'
export {
  BAGGAGE_USER,
  formatBaggage,
  isUserId,
  parseBaggage,
  parseCookies,
  resolveUserId,
  SESSION_COOKIE,
  USER_COOKIE,
  USER_HEADER,
  USER_ID_MAX_LENGTH,
} from './context.ts'
export { type FlagSummary, setEnabled, setRollout, setVariants, summarize } from './edit.ts'
export * as errors from './errors.ts'
export { parseFlags, readFlagsFile, writeFlagsFile } from './file.ts'
export {
  forwardedIdentity,
  type Identify,
  type Identity,
  MIN_USER_SECRET_LENGTH,
  type SignedIdentityOptions,
  signedIdentity,
} from './identity.ts'
export { instrumentFlags } from './metrics.ts'
export { DEMO_FLAGS_FILE, FLAG } from './names.ts'
export {
  type FlagContext,
  type FlagsPluginOptions,
  flagsPlugin,
  type RequestContextFields,
  type RequestFlags,
} from './plugin.ts'
export { type FeatureDefinition, FlagsDocument, type SegmentDefinition } from './schema.ts'
export { SYNC_STATES, type SyncState, servesFlags } from './state.ts'
export { type UseFlagsOptions, useFlags } from './use.ts'
