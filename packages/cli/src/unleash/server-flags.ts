import { DEMO_FLAGS_FILE, type FlagSummary, readFlagsFile, summarize } from '@zdd/flags'
import { type AdminClient, describeServer, editFlag, exportFlags, seedFlags } from '@zdd/unleash-tools'
import type { FlagChange } from '../commands/flag-change.ts'
import { formatFlags } from '../commands/flags-file.ts'

const demoOrder = () => readFlagsFile(DEMO_FLAGS_FILE).features.map((f) => f.name)

/** `zdd flags list` against the server: the same summary as offline, read through the admin API. */
export async function listOnServer(admin: AdminClient): Promise<FlagSummary[]> {
  return summarize(await exportFlags(admin, demoOrder()))
}

/** `zdd flags set` against the server: the offline edit, applied through the admin API. */
export async function setOnServer(admin: AdminClient, change: FlagChange): Promise<number> {
  const after = await editFlag(admin, change.name, (doc, source) => change.apply(doc, source))
  const summary = summarize({ version: 2, features: [after] })
  process.stdout.write(`${formatFlags(summary)}\n(${describeServer(admin)})\n`)
  return 0
}

/** `zdd flags reset` against the server: every demo flag back to its definition. */
export async function resetOnServer(admin: AdminClient): Promise<number> {
  const result = await seedFlags(admin, readFlagsFile(DEMO_FLAGS_FILE), { reset: true })
  const changed = [...result.created, ...result.updated]
  process.stdout.write(
    `restored the demo flags on ${describeServer(admin)}: ${changed.length > 0 ? `${changed.join(', ')} rewritten` : 'they were as defined'}\n`,
  )
  return 0
}
