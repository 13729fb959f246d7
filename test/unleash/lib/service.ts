import { spawn } from 'node:child_process'
import { once } from 'node:events'
import type { TestContext } from 'node:test'
import { fileURLToPath } from 'node:url'
import { DEMO_FLAGS_FILE } from '@zdd/flags'
import { LOCAL_DEMO_ENV } from '@zdd/routes'
import type { LogLine } from './logs.ts'

export interface ServiceProcess {
  lines(): LogLine[]
  flagStates(): LogLine[]
  metrics(): Promise<string>
  readyz(): Promise<number>
  /** SIGTERM, as Kubernetes stops a pod: resolves with the exit code and how long the drain took. */
  stop(): Promise<{ code: number | null; ms: number }>
}

/** One built service (`@zdd/<name>/main`) in server mode against `unleashUrl` with `token`. */
export function startService(
  t: TestContext,
  name: 'gateway' | 'catalog',
  ports: { port: number; managementPort: number },
  unleash: { url: string; token: string; refreshMs: number },
): ServiceProcess {
  const entry = fileURLToPath(import.meta.resolve(`@zdd/${name}/main`))
  const child = spawn(process.execPath, [entry], {
    env: {
      ...process.env,
      PORT: String(ports.port),
      MANAGEMENT_PORT: String(ports.managementPort),
      POD_NAME: `${name}-token-test`,
      LOG_LEVEL: 'info',
      FLAGS_FILE: DEMO_FLAGS_FILE,
      UNLEASH_URL: unleash.url,
      UNLEASH_API_TOKEN: unleash.token,
      UNLEASH_REFRESH_MS: String(unleash.refreshMs),
      // The test names its users with x-zdd-user, as a trusted authenticating proxy would.
      ...(name === 'gateway' ? LOCAL_DEMO_ENV : {}),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  child.stdout.on('data', (chunk) => {
    out += chunk
  })
  child.stderr.on('data', (chunk) => {
    out += chunk
  })
  t.after(() => child.kill('SIGKILL'))
  const lines = () =>
    out.split('\n').flatMap((line) => {
      try {
        return line.startsWith('{') ? [JSON.parse(line) as LogLine] : []
      } catch {
        return []
      }
    })
  const management = `http://127.0.0.1:${ports.managementPort}`
  return {
    lines,
    flagStates: () => lines().filter((line) => line.msg.startsWith('flags: ')),
    metrics: async () => (await fetch(`${management}/metrics`)).text(),
    readyz: async () => {
      try {
        const res = await fetch(`${management}/readyz`, { signal: AbortSignal.timeout(1000) })
        await res.arrayBuffer()
        return res.status
      } catch {
        return 0
      }
    },
    async stop() {
      const began = performance.now()
      if (child.exitCode === null) child.kill('SIGTERM')
      const [code] = child.exitCode === null ? await once(child, 'exit') : [child.exitCode]
      return { code: code as number | null, ms: performance.now() - began }
    },
  }
}
