/** One edit of an offline flags file: switch a flag, set its rollout %, or its variant weights (percent). */
export type FlagChange =
  | { flag: string; enabled: boolean }
  | { flag: string; rollout: number }
  | { flag: string; variants: Record<string, number> }

/**
 * What the app-level scenarios (a gateway in front, flags deciding) run besides the service under test.
 * The caller passes the built entry points and the flags editor (`zdd demo` passes @zdd/flags' own), so the
 * harness writes flags files exactly as the services read them without depending on the services.
 */
export interface AppStack {
  /** dist/main.js of each service. */
  entries: { gateway: string; catalog: string; recommendations: string }
  /** The offline flags document a run starts from; each run edits its own copy, never this file. */
  flagsFile: string
  /** Applies changes to the flags file at `path` in one atomic write (the services poll it, ~250 ms). */
  editFlags(path: string, changes: readonly FlagChange[]): void
}
