import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { DEMO_FLAGS_FILE } from '@zdd/flags'
import { loadConfig } from '@zdd/lifecycle'
import { checkGatewayConfig, GatewayEnv } from '../src/config.ts'

test('GatewayEnv: lifecycle and flags defaults plus the gateway timeouts, limits and switches', () => {
  const config = loadConfig(GatewayEnv, {})
  assert.equal(config.PORT, 8080)
  assert.equal(config.FLAGS_FILE, DEMO_FLAGS_FILE)
  assert.equal(config.GATEWAY_ROUTES, undefined)
  assert.deepEqual(
    [
      config.GATEWAY_CONNECT_TIMEOUT_MS,
      config.GATEWAY_HEADERS_TIMEOUT_MS,
      config.GATEWAY_UPSTREAM_TIMEOUT_MS,
    ],
    [1000, 5000, 8000],
  )
  assert.equal(config.GATEWAY_BODY_LIMIT_BYTES, 1_048_576)
  assert.equal(config.GATEWAY_TRACK_OVERRIDE, false)
  assert.equal(loadConfig(GatewayEnv, { GATEWAY_TRACK_OVERRIDE: 'true' }).GATEWAY_TRACK_OVERRIDE, true)
  checkGatewayConfig(config)
})

test('bad gateway variables are reported together with bad lifecycle ones', () => {
  assert.throws(
    () =>
      loadConfig(GatewayEnv, { GATEWAY_SHADOW_TIMEOUT_MS: '0', GATEWAY_BODY_LIMIT_BYTES: '1e6', PORT: 'x' }),
    (err: Error) => {
      assert.match(err.message, /^ {2}- GATEWAY_SHADOW_TIMEOUT_MS \(got "0"\)/m)
      assert.match(err.message, /^ {2}- GATEWAY_BODY_LIMIT_BYTES \(got "1e6"\)/m)
      assert.match(err.message, /^ {2}- PORT \(got "x"\)/m)
      return true
    },
  )
})

test('timeouts must nest: headers ≤ upstream total < REQUEST_TIMEOUT_MS', () => {
  const config = loadConfig(GatewayEnv, {
    GATEWAY_HEADERS_TIMEOUT_MS: '9000',
    GATEWAY_UPSTREAM_TIMEOUT_MS: '8000',
  })
  assert.throws(() => checkGatewayConfig(config), /GATEWAY_HEADERS_TIMEOUT_MS \(got 9000\): must not exceed/)
  const result = startGateway({ GATEWAY_UPSTREAM_TIMEOUT_MS: '20000' })
  assert.equal(result.status, 1)
  assert.match(
    result.stderr,
    /^gateway: ZDD_GATEWAY_INVALID_CONFIG: .*\n {2}- GATEWAY_UPSTREAM_TIMEOUT_MS \(got 20000\): must be below REQUEST_TIMEOUT_MS \(10000\)/m,
  )
})

test('a bad route table exits 1 with ZDD_GATEWAY_INVALID_ROUTE_TABLE (its checks: @zdd/routes)', () => {
  const result = startGateway({
    GATEWAY_ROUTES: JSON.stringify({
      upstreams: { a: 'http://127.0.0.1:1' },
      routes: [{ name: 'a', prefix: '/a', upstream: 'missing' }],
    }),
  })
  assert.equal(result.status, 1)
  assert.match(result.stderr, /ZDD_GATEWAY_INVALID_ROUTE_TABLE: Invalid route table from GATEWAY_ROUTES/)
  assert.match(
    result.stderr,
    /routes\[0\] "a" upstream \(got "missing"\): no such upstream; known upstreams: a/,
  )
})

/** The gateway's real entry, as a process: what an operator sees when the configuration is refused. */
function startGateway(env: Record<string, string>) {
  const main = fileURLToPath(new URL('../src/main.ts', import.meta.url))
  return spawnSync(process.execPath, [main], {
    env: { PATH: process.env.PATH ?? '', PORT: '0', MANAGEMENT_PORT: '0', ...env },
    encoding: 'utf8',
    timeout: 20_000,
  })
}
