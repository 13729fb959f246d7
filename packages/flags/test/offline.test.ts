import assert from 'node:assert/strict'
import { readFileSync, renameSync, writeFileSync } from 'node:fs'
import { test } from 'node:test'
import {
  DEMO_FLAGS_FILE,
  FLAG,
  FlagClient,
  readFlagsFile,
  setRollout,
  setVariants,
  writeFlagsFile,
} from '@zdd/flags'
import { demoCopy, waitFor } from './helpers/files.ts'
import { captureLog } from './helpers/log.ts'

const USERS = 10_000
const ctx = (i: number) => ({ userId: `user-${i}`, appName: 'test', environment: 'development' })
const EMPTY = '{"version":2,"features":[]}'

/** Replaces the file in one step (as editors and `zdd flags` do), so a poll never reads half of it. */
function replaceFile(file: string, text: string): void {
  writeFileSync(`${file}.tmp`, text)
  renameSync(`${file}.tmp`, file)
}

function offline(file: string, log = captureLog()) {
  return new FlagClient({
    appName: 'test',
    environment: 'development',
    file,
    refreshMs: 15_000,
    log,
    watchIntervalMs: 50,
  })
}

test('offline: ready from the bootstrap file; A/B 50/50 and canary 10 % over 10,000 users, sticky', async (t) => {
  const client = offline(DEMO_FLAGS_FILE)
  t.after(() => client.close())
  assert.equal(client.ready, false)
  await client.start()
  assert.equal(client.ready, true)
  assert.equal(client.state, 'offline')

  const counts = new Map<string, number>()
  let canary = 0
  for (let i = 0; i < USERS; i++) {
    const v = client.variant(FLAG.abExperiment, ctx(i)).name
    counts.set(v, (counts.get(v) ?? 0) + 1)
    if (client.isEnabled(FLAG.catalogCanary, ctx(i))) canary++
  }
  const shareA = (100 * (counts.get('a') ?? 0)) / USERS
  t.diagnostic(
    `A/B: a ${shareA.toFixed(2)} %, b ${(100 - shareA).toFixed(2)} %; canary ${(100 * canary) / USERS} %`,
  )
  assert.ok(Math.abs(shareA - 50) <= 2, `a share ${shareA}`)
  assert.equal((counts.get('a') ?? 0) + (counts.get('b') ?? 0), USERS)
  assert.ok(Math.abs((100 * canary) / USERS - 10) <= 2)
  for (let i = 0; i < 500; i++) {
    const first = client.variant(FLAG.abExperiment, ctx(i)).name
    for (let k = 0; k < 4; k++) assert.equal(client.variant(FLAG.abExperiment, ctx(i)).name, first)
  }
  assert.deepEqual(client.variant('no-such-flag', ctx(1)), {
    name: 'disabled',
    enabled: false,
    feature_enabled: false,
  })
  assert.deepEqual(
    client.variant(FLAG.shadow, ctx(1)),
    { name: 'disabled', enabled: false, feature_enabled: true },
    'a flag that is on but has no variants',
  )
  assert.equal(client.isEnabled('no-such-flag', ctx(1), true), true, 'fallback used for unknown flags')
})

test('offline: editing the file changes decisions within 2 s; raising a rollout only adds users', async (t) => {
  const file = demoCopy(t)
  const client = offline(file)
  t.after(() => client.close())
  await client.start()
  const canaryAt10 = new Set<number>()
  for (let i = 0; i < USERS; i++) if (client.isEnabled(FLAG.catalogCanary, ctx(i))) canaryAt10.add(i)

  const doc = readFlagsFile(file)
  setRollout(doc, FLAG.catalogCanary, 30, file)
  setVariants(doc, FLAG.abExperiment, { a: 80, b: 20 }, file)
  const edited = performance.now()
  writeFlagsFile(file, doc)
  const share = () => {
    let a = 0
    for (let i = 0; i < 2000; i++) if (client.variant(FLAG.abExperiment, ctx(i)).name === 'a') a++
    return a / 20
  }
  await waitFor(() => Math.abs(share() - 80) <= 3, 2000)
  t.diagnostic(`file edit → new weights in use after ${(performance.now() - edited).toFixed(0)} ms`)

  let canaryAt30 = 0
  for (let i = 0; i < USERS; i++) {
    const on = client.isEnabled(FLAG.catalogCanary, ctx(i))
    if (on) canaryAt30++
    if (canaryAt10.has(i)) assert.ok(on, `user-${i} left the canary when the rollout went up`)
  }
  assert.ok(Math.abs((100 * canaryAt30) / USERS - 30) <= 2, `canary share ${canaryAt30 / 100} %`)
})

test('offline: a broken edit keeps the last good flags and is logged once', async (t) => {
  const file = demoCopy(t)
  const log = captureLog()
  const client = offline(file, log)
  t.after(() => client.close())
  await client.start()
  writeFileSync(file, '{"version":2,"features":[{"name":')
  await waitFor(() => log.lines.some((l) => l.level === 'error'), 2000).catch((e) => {
    console.log(JSON.stringify(log.lines))
    throw e
  })
  await new Promise((resolve) => setTimeout(resolve, 300)) // several more polls of the same broken file
  writeFileSync(file, '{"version":2,"features":[{"name":"x"}]}') // still broken, differently
  await waitFor(() => log.lines.filter((l) => l.level === 'error').length === 2, 2000).catch((e) => {
    console.log('SECOND', JSON.stringify(log.lines))
    throw e
  })
  assert.equal(client.variant(FLAG.abExperiment, ctx(1)).enabled, true, 'previous definitions still in use')
  assert.equal(client.ready, true)
})

test('offline: a missing or invalid file fails start naming it; close is idempotent', async () => {
  const client = offline('/nonexistent/flags.json')
  await assert.rejects(client.start(), /\/nonexistent\/flags\.json is not usable: ENOENT/)
  await client.close()
  await client.close()
  assert.equal(client.state, 'closed')
  assert.throws(
    () =>
      new FlagClient({
        appName: 'x',
        environment: 'e',
        file: 'f',
        url: 'http://127.0.0.1:1/api/',
        refreshMs: 100,
        log: captureLog(),
      }),
    /UNLEASH_URL is set but UNLEASH_API_TOKEN is not/,
  )
})

test('offline: a start that failed on an unreadable file can be tried again once the file is fixed', async (t) => {
  const file = demoCopy(t)
  const good = readFileSync(file, 'utf8')
  replaceFile(file, '{ not json')
  const client = offline(file)
  t.after(() => client.close())
  await assert.rejects(client.start(), /is not usable/)
  assert.equal(client.ready, false)
  replaceFile(file, good)
  await client.start()
  assert.equal(client.ready, true, 'the second start loaded the fixed file')
  assert.equal(client.state, 'offline')
})

test('offline: a file with no flags is ready with every flag off, and reloads keep working after it', {
  timeout: 20_000,
}, async (t) => {
  const file = demoCopy(t)
  const demo = readFileSync(file, 'utf8')
  writeFileSync(file, EMPTY)
  const client = offline(file)
  t.after(() => client.close())
  let reloads = 0
  client.on('reloaded', () => reloads++)
  await client.start()
  assert.equal(client.ready, true)
  assert.equal(client.state, 'offline')
  assert.deepEqual(client.list(), [])
  assert.equal(client.isEnabled(FLAG.shadow, ctx(1)), false)
  assert.equal(client.isEnabled(FLAG.shadow, ctx(1), true), true, 'unknown flags answer the fallback')
  assert.deepEqual(client.variant(FLAG.abExperiment, ctx(1)), {
    name: 'disabled',
    enabled: false,
    feature_enabled: false,
  })

  replaceFile(file, demo)
  await waitFor(() => client.isEnabled(FLAG.shadow, ctx(1)), 5000)
  assert.equal(client.variant(FLAG.abExperiment, ctx(1)).enabled, true)
  replaceFile(file, EMPTY)
  await waitFor(() => !client.isEnabled(FLAG.shadow, ctx(1)), 5000)
  assert.deepEqual(client.list(), [])
  assert.ok(reloads >= 2, `${reloads} reloads`)
  assert.equal(client.ready, true)
})
