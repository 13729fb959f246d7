import assert from 'node:assert/strict'
import { test } from 'node:test'
import { Type } from '@sinclair/typebox'
import { errors, LifecycleEnv, loadConfig, serviceEnv } from '@zdd/lifecycle'

/** The message of the error loadConfig throws for `env`; fails the test if it does not throw. */
function problemsWith(env: Record<string, string>): string {
  try {
    loadConfig(LifecycleEnv, env)
  } catch (err) {
    assert.ok(err instanceof errors.InvalidConfigError)
    assert.equal((err as Error & { code: string }).code, 'ZDD_LIFECYCLE_INVALID_CONFIG')
    return (err as Error).message
  }
  assert.fail(`loadConfig accepted ${JSON.stringify(env)}`)
}

test('defaults apply when nothing is set, and empty strings count as unset', () => {
  const expected = {
    PORT: 8080,
    MANAGEMENT_PORT: 9090,
    HOST: '127.0.0.1',
    APP_VERSION: '0.0.0-dev',
    POD_NAME: 'local',
    LOG_LEVEL: 'info',
    SHUTDOWN_DELAY_MS: 0,
    SHUTDOWN_QUIET_MS: 1000,
    SHUTDOWN_TIMEOUT_MS: 25_000,
    REQUEST_TIMEOUT_MS: 10_000,
    KEEP_ALIVE_TIMEOUT_MS: 72_000,
    SHUTDOWN_MODE: 'graceful',
    TRUST_PROXY: '',
    MANAGEMENT_CONTROLS: false,
  }
  assert.deepEqual(loadConfig(LifecycleEnv, {}), expected)
  assert.deepEqual(loadConfig(LifecycleEnv, { PORT: '', LOG_LEVEL: '' }), expected)
})

test('strings from the environment become the schema types; other variables are ignored', () => {
  const config = loadConfig(LifecycleEnv, {
    PORT: '3000',
    MANAGEMENT_PORT: '3001',
    SHUTDOWN_DELAY_MS: '1500',
    REQUEST_TIMEOUT_MS: '2000',
    MANAGEMENT_CONTROLS: 'true',
    SHUTDOWN_MODE: 'unprepared',
    APP_VERSION: 'v2',
    PATH: '/usr/bin',
  })
  assert.equal(config.PORT, 3000)
  assert.equal(config.MANAGEMENT_PORT, 3001)
  // Timeouts as strings would silently disable them in Node's http server: they must be numbers.
  assert.equal(config.SHUTDOWN_DELAY_MS, 1500)
  assert.equal(config.REQUEST_TIMEOUT_MS, 2000)
  assert.equal(config.MANAGEMENT_CONTROLS, true)
  assert.equal(config.SHUTDOWN_MODE, 'unprepared')
  assert.equal(config.APP_VERSION, 'v2')
  assert.equal('PATH' in config, false)
})

test('every bad variable is reported at once, by name, with the value seen', () => {
  const message = problemsWith({
    PORT: 'abc',
    LOG_LEVEL: 'loud',
    SHUTDOWN_MODE: 'yolo',
    REQUEST_TIMEOUT_MS: '-5',
    KEEP_ALIVE_TIMEOUT_MS: '1.5',
    APP_VERSION: 'bad version',
    MANAGEMENT_CONTROLS: 'maybe',
  })
  for (const [name, seen] of [
    ['PORT', 'abc'],
    ['LOG_LEVEL', 'loud'],
    ['SHUTDOWN_MODE', 'yolo'],
    ['REQUEST_TIMEOUT_MS', '-5'],
    ['KEEP_ALIVE_TIMEOUT_MS', '1.5'],
    ['APP_VERSION', 'bad version'],
    ['MANAGEMENT_CONTROLS', 'maybe'],
  ]) {
    const lines = message.split('\n').filter((line) => line.startsWith(`  - ${name} (`))
    assert.equal(lines.length, 1, `${name} should be reported exactly once in:\n${message}`)
    assert.ok(lines[0]?.includes(`got "${seen}"`), `${name} line should show the value seen: ${lines[0]}`)
  }
  assert.doesNotMatch(message, /^ {2}- (MANAGEMENT_PORT|HOST|POD_NAME) /m, 'valid variables are not reported')
})

// Value.Convert alone truncates: "25e3" would become a 25 ms deadline, "1.5" a 1 ms timeout.
test('integers must be plain decimals: anything else is reported, never truncated', () => {
  for (const text of ['1.5', '25e3', '0x10', 'true', '12abc', ' 42']) {
    assert.match(
      problemsWith({ SHUTDOWN_TIMEOUT_MS: text }),
      /^ {2}- SHUTDOWN_TIMEOUT_MS \(got ".*"\): expected integer/m,
    )
  }
  assert.equal(loadConfig(LifecycleEnv, { SHUTDOWN_TIMEOUT_MS: '030000' }).SHUTDOWN_TIMEOUT_MS, 30_000)
})

test('cross-field rules: distinct ports, and a deadline above the delay', () => {
  assert.match(
    problemsWith({ PORT: '8000', MANAGEMENT_PORT: '8000' }),
    /MANAGEMENT_PORT \(got 8000\): must differ/,
  )
  assert.match(
    problemsWith({ SHUTDOWN_DELAY_MS: '5000', SHUTDOWN_TIMEOUT_MS: '5000' }),
    /SHUTDOWN_TIMEOUT_MS \(got 5000\): must be above SHUTDOWN_DELAY_MS \(5000\)/,
  )
  // Port 0 (any free port) on both is not a clash.
  assert.equal(loadConfig(LifecycleEnv, { PORT: '0', MANAGEMENT_PORT: '0' }).PORT, 0)
})

test('the result is frozen', () => {
  const config = loadConfig(LifecycleEnv, {})
  assert.ok(Object.isFrozen(config))
  assert.throws(() => {
    ;(config as { PORT: number }).PORT = 1
  }, TypeError)
})

test('serviceEnv adds a service its own fields, validated with the lifecycle ones', () => {
  const Env = serviceEnv({ GREETING: Type.String({ minLength: 2, default: 'hello' }) })
  assert.equal(loadConfig(Env, {}).GREETING, 'hello')
  assert.equal(loadConfig(Env, {}).PORT, 8080)
  assert.throws(
    () => loadConfig(Env, { GREETING: 'x', PORT: 'abc' }),
    (err: Error) => /- GREETING \(got "x"\)/.test(err.message) && /- PORT \(got "abc"\)/.test(err.message),
  )
})
