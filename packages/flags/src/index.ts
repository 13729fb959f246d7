/** The request-flags handle is `request.flags`; `Flags` names the service-level client. */
export type { FlagClient as Flags } from './client.ts'
export { type Evaluation, FlagClient, type FlagClientOptions, type FlagLogger } from './client.ts'
export { FlagsEnv } from './config.ts'
export {
  BAGGAGE_USER,
  formatBaggage,
  parseBaggage,
  parseCookies,
  resolveUserId,
  SESSION_COOKIE,
  USER_COOKIE,
  USER_HEADER,
} from './context.ts'
export { type FlagSummary, setEnabled, setRollout, setVariants, summarize } from './edit.ts'
export * as errors from './errors.ts'
export { type FeatureDefinition, FlagsDocument, parseFlags, readFlagsFile, writeFlagsFile } from './file.ts'
export { instrumentFlags } from './metrics.ts'
export { DEMO_FLAGS_FILE, FLAG } from './names.ts'
export { type FlagContext, type FlagsPluginOptions, flagsPlugin, type RequestFlags } from './plugin.ts'
export { SYNC_STATES, type SyncState, servesFlags } from './state.ts'
export { type UseFlagsOptions, useFlags } from './use.ts'
