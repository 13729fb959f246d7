// Server mode against a minimal stand-in for Unleash's client API (GET /api/client/features), inside this
// module's unit tests only: the real unleash-server is exercised by the Unleash integration tests.
import assert from 'node:assert/strict'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { type TestContext, test } from 'node:test'
import { DEMO_FLAGS_FILE, FLAG, FlagClient, readFlagsFile, setEnabled } from '@zdd/flags'
import { emptyFlagsFile, waitFor } from './helpers/files.ts'
import { captureLog } from './helpers/log.ts'

interface Stand {
  server: Server
  url: string
  status: number
  features: ReturnType<typeof readFlagsFile>
  hits: number
}

async function standIn(): Promise<Stand> {
  const stand = { status: 200, features: readFlagsFile(DEMO_FLAGS_FILE), hits: 0 } as Stand
  stand.server = createServer((req, res) => {
    stand.hits++
    if (req.headers.authorization !== 'good-token') stand.status = 401
    res.writeHead(stand.status, { 'content-type': 'application/json' })
    res.end(stand.status === 200 ? JSON.stringify(stand.features) : '{}')
  })
  await new Promise<void>((resolve) => stand.server.listen(0, '127.0.0.1', resolve))
  stand.url = `http://127.0.0.1:${(stand.server.address() as AddressInfo).port}/api/`
  return stand
}

function serverClient(url: string, token: string, log = captureLog(), file = DEMO_FLAGS_FILE) {
  return new FlagClient({
    appName: 't',
    environment: 'development',
    file,
    url,
    token,
    refreshMs: 100,
    log,
  })
}

const ctx = { userId: 'u1', appName: 't', environment: 'development' }

/** A stand-in Unleash, and a server-mode client of it with `token` and a captured log; both closed after `t`. */
async function connected(t: TestContext, token: string) {
  const stand = await standIn()
  const log = captureLog()
  const client = serverClient(stand.url, token, log)
  t.after(() => client.close())
  t.after(() => stand.server.close())
  return { stand, log, client }
}

test('server mode: bootstrap first, then synced; an outage keeps last-known values, one line per state change', async (t) => {
  const { stand, log, client } = await connected(t, 'good-token')
  setEnabled(stand.features, FLAG.shadow, false, 'stand-in')
  await client.start()
  await waitFor(() => client.state === 'synced', 3000)
  assert.equal(client.ready, true)
  assert.equal(client.isEnabled(FLAG.shadow, ctx), false, 'server value replaced the bootstrap value')

  stand.status = 503 // the SDK's HTTP layer retries 5xx twice with back-off before it reports one
  await waitFor(() => client.state === 'stale', 15_000)
  const hitsAtStale = stand.hits
  await waitFor(() => stand.hits >= hitsAtStale + 3, 15_000) // more failing polls, no more log lines
  assert.equal(client.isEnabled(FLAG.shadow, ctx), false, 'last-known value kept')
  assert.equal(client.ready, true, 'readiness is kept through an outage')

  stand.status = 200
  setEnabled(stand.features, FLAG.shadow, true, 'stand-in')
  await waitFor(() => client.state === 'synced' && client.isEnabled(FLAG.shadow, ctx), 15_000)
  // 'bootstrap' shows only when the bootstrap file is read before the first poll answers.
  const transitions = log.lines
    .filter((l) => l.msg.startsWith('flags: ') && l.msg !== 'flags: bootstrap')
    .map((l) => l.msg)
  assert.deepEqual(transitions, ['flags: synced', 'flags: stale', 'flags: synced'])
})

test('server mode: a refused token (401) is a loud, lasting state, not silence', async (t) => {
  const { log, client } = await connected(t, 'bad-token')
  await client.start()
  await waitFor(() => client.state === 'unauthorized', 3000)
  const line = log.lines.find((l) => l.msg === 'flags: unauthorized')
  assert.equal(line?.level, 'error')
  assert.match(JSON.stringify(line?.obj), /401/)
  assert.equal(client.ready, true, 'bootstrap values still serve')
})

test('server mode: closing while the server is down does not crash', async (t) => {
  const stand = await standIn()
  const client = serverClient(stand.url, 'good-token')
  await client.start()
  await waitFor(() => client.state === 'synced', 3000)
  await new Promise<void>((resolve) => stand.server.close(() => resolve()))
  stand.server.closeAllConnections()
  await waitFor(() => client.state === 'stale', 15_000)
  await client.close()
  await client.close()
  await new Promise((resolve) => setTimeout(resolve, 300)) // an in-flight poll failing after destroy
  assert.equal(client.state, 'closed')
  t.diagnostic('closed cleanly with the server down')
})

test('server mode: `synced` is reported only once evaluations use the fetched data', async (t) => {
  const stand = await standIn()
  // Nothing from the bootstrap file: every flag the client knows at `synced` came from the server.
  const client = serverClient(stand.url, 'good-token', captureLog(), emptyFlagsFile(t))
  t.after(() => client.close())
  t.after(() => stand.server.close())
  const atSynced = new Promise<{ shadow: boolean; variant: string; listed: number }>((resolve) => {
    client.on('state', (state) => {
      // In the same tick as the state change: what a readiness probe or a request would see right then.
      if (state === 'synced') {
        resolve({
          shadow: client.isEnabled(FLAG.shadow, ctx),
          variant: client.variant(FLAG.abExperiment, ctx).name,
          listed: client.list().length,
        })
      }
    })
  })
  await client.start()
  const seen = await atSynced
  assert.equal(seen.shadow, true, 'the server has recommendations-shadow on')
  assert.match(seen.variant, /^[ab]$/)
  assert.equal(seen.listed, stand.features.features.length)
  assert.equal(client.ready, true)
})
