export { AdminClient, type AdminClientOptions, type AdminFeature, serverRoot } from './admin.ts'
export {
  canonical,
  fromAdmin,
  fromClientFeatures,
  serverVariants,
  strategyBody,
  toDefinition,
} from './convert.ts'
export { editFlag } from './edit.ts'
export * as errors from './errors.ts'
export { describeServer, exportFlags } from './export.ts'
export { type DownResult, downLocalUnleash, runningLocalUnleash, wipeLocalUnleash } from './local/down.ts'
export { ensureCluster, type RunningCluster } from './local/postgres.ts'
export { healthy, LEGACY_SERVER_ENTRY } from './local/server.ts'
export { type LocalState, readState, stateFile, unleashLog } from './local/state.ts'
export { BACKEND_TOKEN_NAME } from './local/tokens.ts'
export {
  DEFAULT_PORT,
  LEGACY_LOGIN,
  type LocalUnleash,
  type Login,
  loginOf,
  type UpOptions,
  upLocalUnleash,
} from './local/up.ts'
export { findPostgres, type PostgresBinaries } from './postgres/binaries.ts'
export { clusterPid, stopCluster } from './postgres/cluster.ts'
export { type SeedOptions, type SeedResult, seedFlags } from './seed.ts'
