import { type ChildProcess, spawn } from 'node:child_process'
import { once } from 'node:events'
import { createWriteStream } from 'node:fs'
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { freePort } from '@zdd/ports'
import { prometheusBinary } from './binary.ts'
import { prometheusConfig, type Target, targetsDocument } from './config.ts'
import { PrometheusStartError } from './errors.ts'

export interface PrometheusOptions {
  /** Where its config, targets file, data and log go (a scratch folder of the run). */
  dir: string
  /** How often every target is scraped (default 1000 ms: a canary step is judged on a few seconds). */
  scrapeIntervalMs?: number
  /** Its HTTP port on 127.0.0.1 (default: a free one). */
  port?: number
  /** How long it may take to become ready (default 30 s). */
  readyTimeoutMs?: number
  env?: NodeJS.ProcessEnv
}

export interface Prometheus {
  /** http://127.0.0.1:<port>: its web UI and HTTP API. */
  readonly url: string
  readonly scrapeIntervalMs: number
  /** Replaces the scrape targets (Prometheus notices the file within about a second). */
  setTargets(targets: readonly Target[]): Promise<void>
  /** Stops it (idempotent). */
  stop(): Promise<void>
}

/** Starts Prometheus on 127.0.0.1 with an empty target list; resolves once /-/ready answers 200. */
export async function startPrometheus(options: PrometheusOptions): Promise<Prometheus> {
  const binary = prometheusBinary(options.env)
  const scrapeIntervalMs = options.scrapeIntervalMs ?? 1000
  const port = options.port ?? (await freePort())
  const url = `http://127.0.0.1:${port}`
  const targetsFile = join(options.dir, 'targets.json')
  const configFile = join(options.dir, 'prometheus.yml')
  const logFile = join(options.dir, 'prometheus.log')
  await mkdir(join(options.dir, 'data'), { recursive: true })
  await writeFile(targetsFile, targetsDocument([]))
  await writeFile(configFile, prometheusConfig(targetsFile, scrapeIntervalMs))
  const log = createWriteStream(logFile)
  await once(log, 'open')
  const child = spawn(
    binary,
    [
      `--config.file=${configFile}`,
      `--storage.tsdb.path=${join(options.dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--storage.tsdb.retention.time=1d',
      '--log.level=warn',
    ],
    { stdio: ['ignore', log, log] },
  )
  let exited: string | undefined
  child.once('exit', (code, signal) => {
    exited = `it exited with ${signal ?? `code ${code}`}`
  })
  const stop = stopper(child, log)
  const timeoutMs = options.readyTimeoutMs ?? 30_000
  const deadline = Date.now() + timeoutMs
  while (!(await ready(url))) {
    if (exited || Date.now() > deadline) {
      await stop()
      const tail = (await readFile(logFile, 'utf8').catch(() => '')).trim().split('\n').slice(-15)
      throw new PrometheusStartError(
        exited ?? `not ready within ${timeoutMs / 1000} s`,
        logFile,
        tail.join('\n'),
      )
    }
    await sleep(100, undefined, { ref: false })
  }
  return {
    url,
    scrapeIntervalMs,
    async setTargets(targets) {
      // Written whole and renamed, so Prometheus never reads half a file.
      const next = `${targetsFile}.next`
      await writeFile(next, targetsDocument(targets))
      await rename(next, targetsFile)
    },
    stop,
  }
}

async function ready(url: string): Promise<boolean> {
  try {
    const response = await fetch(`${url}/-/ready`, { signal: AbortSignal.timeout(1000) })
    await response.body?.cancel()
    return response.status === 200
  } catch {
    return false
  }
}

function stopper(child: ChildProcess, log: NodeJS.WritableStream): () => Promise<void> {
  let stopping: Promise<void> | undefined
  return () => {
    stopping ??= (async () => {
      if (child.exitCode === null && child.signalCode === null) {
        const exit = once(child, 'exit')
        child.kill('SIGTERM')
        const killer = setTimeout(() => child.kill('SIGKILL'), 5000)
        killer.unref()
        await exit
        clearTimeout(killer)
      }
      log.end()
    })()
    return stopping
  }
}
