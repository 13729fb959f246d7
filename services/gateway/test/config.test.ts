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
  const main = fileURLToPath(new URL('../src/main.ts', import.meta.url))
  const result = spawnSync(process.execPath, [main], {
    env: {
      PATH: process.env.PATH ?? '',
      PORT: '0',
      MANAGEMENT_PORT: '0',
      GATEWAY_UPSTREAM_TIMEOUT_MS: '20000',
    },
    encoding: 'utf8',
    timeout: 20_000,
  })
  assert.equal(result.status, 1)
  assert.match(
    result.stderr,
    /^gateway: ZDD_GATEWAY_INVALID_CONFIG: .*\n {2}- GATEWAY_UPSTREAM_TIMEOUT_MS \(got 20000\): must be below REQUEST_TIMEOUT_MS \(10000\)/m,
  )
})
