import {
  DEMO_FLAGS_FILE,
  readFlagsFile,
  setEnabled,
  setRollout,
  setVariants,
  writeFlagsFile,
} from '@zdd/flags'
import type { AppStack, FlagChange } from '@zdd/rollout'
import { serviceEntry } from '../paths.ts'

/** Edits a flags file with @zdd/flags itself (what the services read), in one atomic write. */
export function editFlags(path: string, changes: readonly FlagChange[]): void {
  const doc = readFlagsFile(path)
  for (const change of changes) {
    if ('enabled' in change) setEnabled(doc, change.flag, change.enabled, path)
    else if ('rollout' in change) setRollout(doc, change.flag, change.rollout, path)
    else setVariants(doc, change.flag, change.variants, path)
  }
  writeFlagsFile(path, doc)
}

/** The gateway strategies' services and flags: the demo flags file as the start of every run. */
export function appStack(): AppStack {
  return {
    entries: {
      catalog: serviceEntry('catalog'),
      gateway: serviceEntry('gateway'),
      recommendations: serviceEntry('recommendations'),
    },
    flagsFile: DEMO_FLAGS_FILE,
    editFlags,
  }
}
