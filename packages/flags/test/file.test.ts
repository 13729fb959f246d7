import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { test } from 'node:test'
import {
  DEMO_FLAGS_FILE,
  errors,
  FLAG,
  parseFlags,
  readFlagsFile,
  setEnabled,
  setRollout,
  setVariants,
  summarize,
} from '@zdd/flags'

test('the demo file holds every demo flag, summarised with rollout and weights', () => {
  const flags = summarize(readFlagsFile(DEMO_FLAGS_FILE))
  assert.deepEqual(flags.map((f) => f.name).sort(), Object.values(FLAG).sort())
  const ab = flags.find((f) => f.name === FLAG.abExperiment)
  assert.deepEqual(ab?.variants, [
    { name: 'a', weight: 50 },
    { name: 'b', weight: 50 },
  ])
  assert.equal(flags.find((f) => f.name === FLAG.catalogCanary)?.rollout, 10)
})

test('a bad file is rejected naming the file and the bad path', () => {
  assert.throws(
    () => parseFlags('{', 'x.json'),
    (err: Error & { code?: string }) => {
      assert.equal(err.code, 'ZDD_FLAGS_FILE_INVALID')
      assert.match(err.message, /x\.json is not usable: not JSON/)
      return true
    },
  )
  assert.throws(
    () => parseFlags('{"version":2,"features":[{"name":"f","enabled":"yes","strategies":[]}]}', 'y.json'),
    /y\.json is not usable: \/features\/0\/enabled/,
  )
  assert.throws(
    () =>
      parseFlags(
        '{"version":2,"features":[{"name":"f","enabled":true,"strategies":[]},{"name":"f","enabled":false,"strategies":[]}]}',
        'z.json',
      ),
    /flag "f" appears twice/,
  )
  assert.throws(
    () => readFlagsFile('/nonexistent/flags.json'),
    /\/nonexistent\/flags\.json is not usable: ENOENT/,
  )
})

test('edits: on/off, rollout, variant weights; bad edits say what is wrong', () => {
  const doc = parseFlags(readFileSync(DEMO_FLAGS_FILE, 'utf8'), 'demo')
  setEnabled(doc, FLAG.shadow, false, 'demo')
  setRollout(doc, FLAG.catalogCanary, 30, 'demo')
  setVariants(doc, FLAG.abExperiment, { a: 80, b: 20 }, 'demo')
  const flags = summarize(doc)
  assert.equal(flags.find((f) => f.name === FLAG.shadow)?.enabled, false)
  assert.equal(flags.find((f) => f.name === FLAG.catalogCanary)?.rollout, 30)
  assert.deepEqual(flags.find((f) => f.name === FLAG.abExperiment)?.variants, [
    { name: 'a', weight: 80 },
    { name: 'b', weight: 20 },
  ])

  assert.throws(
    () => setEnabled(doc, 'nope', true, 'demo'),
    (err: Error) => {
      assert.ok(err instanceof errors.UnknownFlagError)
      assert.match(
        err.message,
        /No flag named "nope" in demo; known flags: recommendations-ab, catalog-canary/,
      )
      return true
    },
  )
  assert.throws(() => setRollout(doc, FLAG.catalogCanary, 101, 'demo'), /whole percentage 0-100, got 101/)
  assert.throws(() => setRollout(doc, FLAG.shadow, 50, 'demo'), /no flexibleRollout strategy/)
  assert.throws(
    () => setVariants(doc, FLAG.abExperiment, { a: 60, b: 60 }, 'demo'),
    /summing to 100, got 120/,
  )
})
