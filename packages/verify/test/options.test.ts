import assert from 'node:assert/strict'
import { test } from 'node:test'
import { flagOf, parseVerifyOptions } from '../src/options.ts'

test("defaults are Kubernetes' own where it has one", () => {
  const options = parseVerifyOptions({})
  assert.equal(options.gracePeriod, 30, 'terminationGracePeriodSeconds defaults to 30')
  assert.equal(options.prestopSleep, 0)
  assert.equal(options.signal, 'SIGTERM')
  assert.equal(options.readyPath, '/readyz')
  assert.equal(options.livePath, '/livez')
  assert.equal(options.longPath, '')
})

test('flag values typed as strings are converted once', () => {
  const options = parseVerifyOptions({ rps: '250', propagation: '1.5', probesOnPort: true, signal: 'SIGINT' })
  assert.deepEqual(
    [options.rps, options.propagation, options.probesOnPort, options.signal],
    [250, 1.5, true, 'SIGINT'],
  )
})

test('every bad value is named by its flag, with what is allowed', () => {
  assert.throws(
    () =>
      parseVerifyOptions({
        rps: '0',
        gracePeriod: 'soon',
        readyPath: 'readyz',
        signal: 'SIGKILL',
        colour: 'x',
      }),
    (err: Error & { code?: string }) => {
      assert.equal(err.code, 'ZDD_VERIFY_INVALID_OPTIONS')
      assert.match(err.message, /--rps \(got "0"\): a whole number from 1 to 5000/)
      assert.match(err.message, /--grace-period \(got "soon"\): a number from 1 to 600/)
      assert.match(err.message, /--ready-path \(got "readyz"\): a path starting with \//)
      assert.match(err.message, /--signal \(got "SIGKILL"\): the stop signal: SIGTERM/)
      assert.match(err.message, /--colour: not an option/)
      return true
    },
  )
})

test('the same fixed port for traffic and management is refused', () => {
  assert.throws(
    () => parseVerifyOptions({ port: 8080, managementPort: 8080 }),
    /--management-port \(got 8080\)/,
  )
})

test('option names map to kebab-case flags', () => {
  assert.equal(flagOf('probesOnPort'), 'probes-on-port')
  assert.equal(flagOf('rps'), 'rps')
})
