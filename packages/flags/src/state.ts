/**
 * Where a flag client's values come from:
 * - `starting`: nothing loaded yet (not ready);
 * - `offline`: the bootstrap file, watched (offline mode);
 * - `bootstrap`: server mode, serving the bootstrap file until the first sync;
 * - `synced`: server mode, the last poll succeeded;
 * - `stale`: server mode, polls fail; last-known values are served and polling goes on;
 * - `unauthorized`: the server refused the token (401/403) and the SDK stopped polling for good;
 * - `closed`: shut down.
 */
export const SYNC_STATES = [
  'starting',
  'offline',
  'bootstrap',
  'synced',
  'stale',
  'unauthorized',
  'closed',
] as const
export type SyncState = (typeof SYNC_STATES)[number]

/** States in which flags can be evaluated from known definitions. */
export function servesFlags(state: SyncState): boolean {
  return state !== 'starting' && state !== 'closed'
}
