import { copyFileSync, existsSync, mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import { DEMO_FLAGS_FILE, type FlagSummary } from '@zdd/flags'

/** The editable copy of the demo flags, created on first use. */
export function ensureFlagsFile(file: string): string {
  if (!existsSync(file)) {
    mkdirSync(dirname(file), { recursive: true })
    copyFileSync(DEMO_FLAGS_FILE, file)
  }
  return file
}

export function formatFlags(flags: FlagSummary[]): string {
  return flags
    .map((flag) => {
      const parts = [flag.enabled ? 'on ' : 'off', flag.name.padEnd(24), flag.type.padEnd(12)]
      if (flag.rollout !== undefined) parts.push(`rollout ${flag.rollout}%`)
      if (flag.variants) parts.push(`variants ${flag.variants.map((v) => `${v.name}=${v.weight}`).join(',')}`)
      return parts.join('  ').trimEnd()
    })
    .join('\n')
}
