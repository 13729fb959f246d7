import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { TestContext } from 'node:test'
import { FLAG, type FlagsDocument, writeFlagsFile } from '@zdd/flags'

export interface TestFlags {
  /** catalog-canary gradual rollout %, sticky on userId. */
  canary?: number
  /** recommendations-ab variant weights in percent, e.g. { a: 70, b: 30 }. */
  ab?: Record<string, number>
  /** recommendations-shadow switch. */
  shadow?: boolean
}

const rollout = (name: string, percent: number) => ({
  name: 'flexibleRollout',
  constraints: [],
  parameters: { rollout: String(percent), stickiness: 'userId', groupId: name },
})

/** An Unleash client-features document (format v2) with the demo flags set as asked. */
export function flagsDocument(flags: TestFlags): FlagsDocument {
  const ab = flags.ab ?? { a: 50, b: 50 }
  return {
    version: 2,
    features: [
      {
        name: FLAG.abExperiment,
        enabled: true,
        type: 'experiment',
        strategies: [
          {
            ...rollout(FLAG.abExperiment, 100),
            variants: Object.entries(ab).map(([name, percent]) => ({
              name,
              weight: percent * 10,
              weightType: 'variable',
              stickiness: 'userId',
            })),
          },
        ],
        variants: [],
      },
      {
        name: FLAG.catalogCanary,
        enabled: true,
        type: 'release',
        strategies: [rollout(FLAG.catalogCanary, flags.canary ?? 0)],
        variants: [],
      },
      {
        name: FLAG.shadow,
        enabled: flags.shadow ?? false,
        type: 'operational',
        strategies: [{ name: 'default', constraints: [], parameters: {} }],
        variants: [],
      },
    ],
  }
}

export interface FlagsFile {
  path: string
  /** Rewrites the file atomically; the gateway's watcher picks it up within its poll interval. */
  update(flags: TestFlags): void
}

/** A flags file in a scratch folder, removed after the test. */
export async function flagsFile(t: TestContext, flags: TestFlags): Promise<FlagsFile> {
  const dir = await mkdtemp(join(tmpdir(), 'zdd-gateway-'))
  t.after(() => rm(dir, { recursive: true, force: true }))
  const path = join(dir, 'flags.json')
  writeFlagsFile(path, flagsDocument(flags))
  return { path, update: (next) => writeFlagsFile(path, flagsDocument(next)) }
}
