// Runs a spec's cases through one implementation and collects the answers: Unleash's own Node client (the
// reference, run the way Unleash's own test suite runs it) and @zdd/flags offline and in server mode.
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { FlagClient } from '@zdd/flags'
import { type Context, InMemStorageProvider, Unleash } from 'unleash-client'
import { captureLog } from './log.ts'
import type { Answers, Spec } from './spec.ts'

/** The reference's default environment: @zdd/flags is given the same static context. */
export const SPEC_ENVIRONMENT = 'default'

export interface Run {
  answers: Answers
  /** Why the spec's cases could not be run at all (load or sync failure), if so. */
  failure?: string
}

function evaluate(
  spec: Spec,
  isEnabled: (name: string, context: Context) => unknown,
  variant: (name: string, context: Context) => unknown,
): Answers {
  const answers: Answers = new Map()
  for (const c of spec.cases) {
    const context = c.context as Context
    try {
      answers.set(
        c.id,
        c.kind === 'enabled' ? isEnabled(c.toggleName, context) : variant(c.toggleName, context),
      )
    } catch (err) {
      answers.set(c.id, { threw: (err as Error).message })
    }
  }
  return answers
}

/** unleash-client 6 polling the stand-in, evaluated on `synchronized`, as its own spec test does. */
export function runReference(spec: Spec, url: string): Promise<Run> {
  return new Promise((resolve) => {
    const unleash = new Unleash({
      appName: spec.name,
      url,
      refreshInterval: 60_000,
      disableMetrics: true,
      skipInstanceCountWarning: true,
      storageProvider: new InMemStorageProvider(),
    })
    const finish = (run: Run) => {
      unleash.destroy()
      resolve(run)
    }
    unleash.on('error', (err: Error) => finish({ answers: new Map(), failure: err.message }))
    unleash.on('synchronized', () =>
      finish({
        answers: evaluate(
          spec,
          (name, context) => unleash.isEnabled(name, context),
          (name, context) => unleash.getVariant(name, context),
        ),
      }),
    )
  })
}

export function offlineClient(spec: Spec, dir: string): FlagClient {
  const file = join(dir, `spec-${spec.index}.json`)
  writeFileSync(file, JSON.stringify(spec.state))
  return new FlagClient({
    appName: spec.name,
    environment: SPEC_ENVIRONMENT,
    file,
    refreshMs: 15_000,
    log: captureLog(),
    watchIntervalMs: 60_000,
  })
}

/** @zdd/flags offline: the spec's state written as the flags file. The client is left open (closed by the caller). */
export async function runOffline(client: FlagClient, spec: Spec): Promise<Run> {
  try {
    await client.start()
  } catch (err) {
    return { answers: new Map(), failure: (err as Error).message }
  }
  return {
    answers: evaluate(
      spec,
      (name, context) => client.isEnabled(name, context),
      (name, context) => client.variant(name, context),
    ),
  }
}

/**
 * @zdd/flags in server mode against the stand-in, bootstrapped from an empty flags file. Evaluated in the
 * same tick as the `synced` state change: `synced` must mean evaluations already use the fetched data.
 */
export async function runServer(spec: Spec, url: string, emptyFile: string): Promise<Run> {
  const client = new FlagClient({
    appName: spec.name,
    environment: SPEC_ENVIRONMENT,
    file: emptyFile,
    url,
    token: 'spec-token',
    refreshMs: 60_000,
    log: captureLog(),
  })
  try {
    return await new Promise<Run>((resolve) => {
      client.on('state', (state) => {
        if (state === 'synced') {
          resolve({
            answers: evaluate(
              spec,
              (name, context) => client.isEnabled(name, context),
              (name, context) => client.variant(name, context),
            ),
          })
        } else if (state === 'stale' || state === 'unauthorized') {
          resolve({ answers: new Map(), failure: `server mode went ${state}` })
        }
      })
      client.start().catch((err: Error) => resolve({ answers: new Map(), failure: err.message }))
    })
  } finally {
    await client.close()
  }
}
