import { spawnSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { log } from '../lib/log.ts'
import { type Spawned, spawnNode } from '../lib/process.ts'

/** The HAProxy binary, installed from Debian's package when missing and allowed; undefined with a reason. */
export function ensureHaproxy(): { path: string; version: string } | { missing: string } {
  const found = () => spawnSync('sh', ['-c', 'command -v haproxy'], { encoding: 'utf8' }).stdout.trim()
  let path = found()
  if (!path) {
    if (process.getuid?.() !== 0) {
      return { missing: 'haproxy is not installed and the bench is not root; `apt-get install haproxy`' }
    }
    log('installing HAProxy (Debian package) with apt-get, once')
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }
    const install = () =>
      spawnSync('apt-get', ['install', '-y', '-q', '--no-install-recommends', 'haproxy'], {
        env,
        stdio: 'ignore',
      })
    if (install().status !== 0) {
      spawnSync('apt-get', ['update', '-q'], { env, stdio: 'ignore' })
      install()
    }
    path = found()
    if (!path) return { missing: 'apt-get install haproxy failed (no Debian mirror reachable?)' }
  }
  const version = spawnSync(path, ['-v'], { encoding: 'utf8' }).stdout.split('\n')[0]?.trim() ?? '?'
  return { path, version }
}

/**
 * HAProxy as the native reference: one thread (like the single-threaded Node proxies it is compared
 * with), HTTP mode with keep-alive on both sides and connection reuse to the upstream.
 */
export function startHaproxy(binary: string, dir: string, port: number, upstreamPort: number): Spawned {
  const config = join(dir, 'haproxy.cfg')
  writeFileSync(
    config,
    [
      'global',
      '  nbthread 1',
      '  maxconn 4000',
      'defaults',
      '  mode http',
      '  option http-keep-alive',
      '  timeout connect 1s',
      '  timeout client 30s',
      '  timeout server 30s',
      'frontend bench',
      `  bind 127.0.0.1:${port}`,
      '  default_backend catalog',
      'backend catalog',
      '  http-reuse safe',
      `  server catalog 127.0.0.1:${upstreamPort}`,
      '',
    ].join('\n'),
  )
  return spawnNode(['-f', config, '-db'], {}, binary)
}
