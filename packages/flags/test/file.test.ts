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

/** `parseFlags` refuses `text` (read from `file`) with a message that matches. */
function refused(text: string, file: string, message: RegExp): void {
  assert.throws(() => parseFlags(text, file), message)
}

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
  refused(
    '{"version":2,"features":[{"name":"f","enabled":"yes","strategies":[]}]}',
    'y.json',
    /y\.json is not usable: \/features\/0\/enabled/,
  )
  refused(
    '{"version":2,"features":[{"name":"f","enabled":true,"strategies":[]},{"name":"f","enabled":false,"strategies":[]}]}',
    'z.json',
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

test('the file takes what Unleash sends: UTF-8 names, null fields, segments, dependencies, no flags at all', () => {
  const doc = parseFlags(
    JSON.stringify({
      version: 2,
      features: [
        {
          name: 'Feature.UTF-8.😊_φriend_你好_🌍',
          description: null,
          impressionData: null,
          enabled: true,
          strategies: [{ name: 'default', title: null, disabled: null, segments: [1] }],
          variants: null,
          dependencies: [{ feature: 'parent', enabled: true, variants: ['a'] }],
        },
      ],
      segments: [
        { id: 1, name: null, constraints: [{ contextName: 'appName', operator: 'IN', values: ['a'] }] },
      ],
    }),
    'unleash.json',
  )
  assert.equal(doc.features[0]?.name, 'Feature.UTF-8.😊_φriend_你好_🌍')
  assert.equal(doc.segments?.[0]?.id, 1, 'segments kept')
  assert.deepEqual(summarize(doc), [
    { name: 'Feature.UTF-8.😊_φriend_你好_🌍', enabled: true, type: 'release' },
  ])
  assert.deepEqual(parseFlags('{"version":2,"features":[]}', 'empty.json').features, [])

  refused(
    '{"version":2,"features":[{"name":"","enabled":true,"strategies":[]}]}',
    'n.json',
    /n\.json is not usable: \/features\/0\/name/,
  )
  refused(
    '{"version":2,"features":[],"segments":[{"id":1,"constraints":[]},{"id":1,"constraints":[]}]}',
    's.json',
    /segment id 1 appears twice/,
  )
  refused(
    '{"version":2,"features":[{"name":"f","enabled":true,"strategies":[{"name":"default","constraints":[{"operator":"IN"}]}]}]}',
    'c.json',
    /c\.json is not usable: \/features\/0\/strategies\/0\/constraints\/0\/contextName/,
  )
})

test('the delta form ({"events": [...]}) is folded in order into the full document', () => {
  const feature = (name: string) => ({ name, enabled: true, strategies: [{ name: 'default' }] })
  const doc = parseFlags(
    JSON.stringify({
      events: [
        {
          eventId: 1,
          type: 'hydration',
          features: [feature('a'), feature('b')],
          segments: [{ id: 1, constraints: [] }],
        },
        { eventId: 2, type: 'feature-updated', feature: { ...feature('b'), enabled: false } },
        { eventId: 3, type: 'feature-updated', feature: feature('c') },
        { eventId: 4, type: 'feature-removed', featureName: 'a', project: 'default' },
        { eventId: 5, type: 'segment-updated', segment: { id: 2, constraints: [] } },
        { eventId: 6, type: 'segment-removed', segmentId: 1 },
      ],
    }),
    'delta.json',
  )
  assert.deepEqual(
    doc.features.map((f) => [f.name, f.enabled]),
    [
      ['b', false],
      ['c', true],
    ],
  )
  assert.deepEqual(
    doc.segments?.map((s) => s.id),
    [2],
  )
  refused(
    '{"events":[{"eventId":1,"type":"feature-renamed"}]}',
    'd.json',
    /d\.json is not usable: \/events\/0\/type must be one of hydration, feature-updated, feature-removed, segment-updated, segment-removed, got "feature-renamed"/,
  )
  refused(
    '{"events":[{"eventId":1,"type":"feature-updated","feature":{"name":"x"}}]}',
    'd.json',
    /d\.json is not usable: \/events\/0\/feature\/enabled/,
  )
})
