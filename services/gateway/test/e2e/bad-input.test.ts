import assert from 'node:assert/strict'
import { test } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { freePorts } from '@zdd/test-support'
import { flagsFile } from '../helpers/flags.ts'
import { E2E, metricValue, startGateway } from '../helpers/gateway.ts'
import { assertCleanError, send } from '../helpers/http.ts'
import { sendJson, startUpstream } from '../helpers/upstream.ts'

test('bad input and failing upstreams get JSON errors with codes; nothing crashes', E2E, async (t) => {
  const echo = await startUpstream(t, 'echo', {
    handler: (request, response) => sendJson(response, 200, { received: request.body }),
  })
  const slow = await startUpstream(t, 'slow', {
    handler: async (_request, response) => {
      await sleep(3000, undefined, { ref: false })
      if (!response.destroyed) sendJson(response, 200, {})
    },
  })
  let flakyCalls = 0
  const flaky = await startUpstream(t, 'flaky', {
    // The first request's connection is reset before any answer (a pod going away); later ones succeed.
    handler: (_request, response) => {
      if (flakyCalls++ === 0) response.socket?.destroy()
      else sendJson(response, 200, { attempt: flakyCalls })
    },
  })
  const broken = await startUpstream(t, 'broken', {
    handler: (_request, response) => {
      response.socket?.destroy()
    },
  })
  const [deadPort] = await freePorts(1)
  const flags = await flagsFile(t, {})
  const gateway = await startGateway(t, {
    routes: {
      upstreams: {
        echo: echo.url,
        slow: slow.url,
        flaky: flaky.url,
        broken: broken.url,
        down: `http://127.0.0.1:${deadPort}`,
      },
      routes: ['echo', 'slow', 'flaky', 'broken', 'down'].map((name) => ({
        name,
        prefix: `/${name}`,
        upstream: name,
      })),
    },
    env: {
      FLAGS_FILE: flags.path,
      GATEWAY_BODY_LIMIT_BYTES: '1024',
      GATEWAY_HEADERS_TIMEOUT_MS: '300',
      GATEWAY_UPSTREAM_TIMEOUT_MS: '1000',
      GATEWAY_RETRY_AFTER_S: '2',
    },
  })
  const json = { 'content-type': 'application/json' }

  const oversized = await send(gateway.port, '/echo/items', {
    method: 'POST',
    headers: json,
    body: JSON.stringify({ blob: 'x'.repeat(2048) }),
  })
  assertCleanError(oversized, 413, 'FST_ERR_CTP_BODY_TOO_LARGE')

  // Chunked (no Content-Length): counted as it streams, broken off with the same 413.
  const chunked = await send(gateway.port, '/echo/items', {
    method: 'POST',
    headers: { ...json, 'transfer-encoding': 'chunked' },
    body: JSON.stringify({ blob: 'x'.repeat(4096) }),
  })
  assertCleanError(chunked, 413, 'FST_ERR_CTP_BODY_TOO_LARGE')

  const valid = await send(gateway.port, '/echo/items', {
    method: 'POST',
    headers: json,
    body: '{"name": "mug"}',
  })
  assert.equal(valid.status, 200)
  assert.deepEqual(
    JSON.parse(valid.body),
    { received: '{"name": "mug"}' },
    'the body is forwarded byte for byte',
  )
  // Bodies are streamed, not parsed: a malformed JSON body is the upstream's to judge, byte for byte.
  const malformed = await send(gateway.port, '/echo/items', {
    method: 'POST',
    headers: json,
    body: '{"name": ',
  })
  assert.deepEqual(JSON.parse(malformed.body), { received: '{"name": ' })
  assert.equal(
    echo.seen.filter((seen) => seen.body.includes('blob')).length,
    0,
    'an oversized body never reaches the upstream whole',
  )

  const unknown = await send(gateway.port, '/nowhere/at/all?x=1')
  assert.match(
    String(assertCleanError(unknown, 404, 'ZDD_GATEWAY_ROUTE_NOT_FOUND').message),
    /\/echo, \/slow/,
  )

  const traversal = await send(gateway.port, '/echo/../admin')
  assertCleanError(traversal, 400, 'ZDD_GATEWAY_BAD_PATH')

  const down = await send(gateway.port, '/down/items')
  assertCleanError(down, 503, 'ZDD_GATEWAY_UPSTREAM_UNAVAILABLE')
  assert.equal(down.headers['retry-after'], '2')
  assert.equal(down.headers['x-zdd-route'], 'down; track=stable; variant=none')

  const startedAt = performance.now()
  const timedOut = await send(gateway.port, '/slow/items')
  const waitedMs = performance.now() - startedAt
  assert.match(
    String(assertCleanError(timedOut, 504, 'ZDD_GATEWAY_UPSTREAM_TIMEOUT').message),
    /GATEWAY_HEADERS_TIMEOUT_MS/,
  )
  assert.ok(waitedMs >= 250 && waitedMs < 1500, `504 after ${Math.round(waitedMs)} ms, expected about 300`)

  const retried = await send(gateway.port, '/flaky/items')
  assert.equal(retried.status, 200, 'an idempotent request is sent again once after a reset connection')
  assert.deepEqual(JSON.parse(retried.body), { attempt: 2 })

  const notRetried = await send(gateway.port, '/broken/items', { method: 'POST', headers: json, body: '{}' })
  assertCleanError(notRetried, 502, 'ZDD_GATEWAY_BAD_UPSTREAM_RESPONSE')
  assert.equal(broken.seen.length, 1, 'a POST is never sent twice')

  // Still alive and well, and said nothing alarming.
  assert.equal((await fetch(`http://127.0.0.1:${gateway.managementPort}/livez`)).status, 200)
  assert.equal(gateway.child.exitCode, null)
  assert.equal(
    gateway.logs.filter((line) => (line.level ?? 0) >= 50).length,
    0,
    'no error or fatal log lines',
  )
  const metrics = await gateway.metrics()
  assert.equal(metricValue(metrics, 'gateway_upstream_retries_total', { route: 'flaky' }), 1)
  assert.equal(
    metricValue(metrics, 'gateway_upstream_errors_total', {
      route: 'down',
      code: 'ZDD_GATEWAY_UPSTREAM_UNAVAILABLE',
    }),
    1,
  )
  assert.equal(
    metricValue(metrics, 'http_requests_total', { route: '/echo/*', status_code: '413' }),
    2,
    'metrics label the route template (the declared and the chunked oversized body)',
  )
})
