import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { request } from 'node:http'
import { test } from 'node:test'
import { flagsFile } from '../helpers/flags.ts'
import { E2E, metricValue, startGateway } from '../helpers/gateway.ts'
import { type Handler, startUpstream } from '../helpers/upstream.ts'

const MIB = 1024 * 1024

function rssOf(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) * 1024
}

/** A POST of `size` bytes, written in 64 KiB pieces as the socket drains; resolves to the status. */
function upload(port: number, path: string, size: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path, method: 'POST', agent: false, headers: { 'content-length': size } },
      (res) => {
        res.resume()
        res.on('end', () => resolve(res.statusCode ?? 0))
      },
    )
    req.on('error', reject)
    const piece = Buffer.alloc(64 * 1024, 120)
    let left = size
    const write = () => {
      while (left > 0) {
        const n = Math.min(left, piece.length)
        left -= n
        if (!req.write(n === piece.length ? piece : piece.subarray(0, n)))
          return void req.once('drain', write)
      }
      req.end()
    }
    write()
  })
}

test(
  '200 parallel maximum-size uploads are streamed: the gateway holds a fraction of them, all succeed',
  E2E,
  async (t) => {
    let received = 0
    const answer: Handler = (request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' })
      response.end(JSON.stringify({ bytes: request.body.length }))
    }
    const sink = await startUpstream(t, 'sink', {
      handler: (request, response) => {
        received += request.body.length
        answer(request, response)
      },
    })
    const shadow = await startUpstream(t, 'shadow', { handler: answer })
    const flags = await flagsFile(t, {})
    const gateway = await startGateway(t, {
      routes: {
        upstreams: { sink: sink.url, shadow: shadow.url },
        routes: [
          { name: 'sink', prefix: '/sink', upstream: 'sink' },
          // Mirrored POSTs: the copy for the shadow is bounded by GATEWAY_SHADOW_HELD_BYTES.
          {
            name: 'mirrored',
            prefix: '/mirrored',
            upstream: 'sink',
            shadow: { upstream: 'shadow', methods: ['POST'] },
          },
        ],
      },
      env: {
        FLAGS_FILE: flags.path,
        GATEWAY_BODY_LIMIT_BYTES: String(4 * MIB),
        GATEWAY_SHADOW_MAX_BODY_BYTES: String(2 * MIB),
        GATEWAY_SHADOW_HELD_BYTES: String(4 * MIB),
        GATEWAY_SHADOW_CONCURRENCY: '200',
      },
    })
    const pid = gateway.child.pid as number
    const before = rssOf(pid)
    let peak = before
    const sampler = setInterval(() => {
      peak = Math.max(peak, rssOf(pid))
    }, 20)
    t.after(() => clearInterval(sampler))

    // Round 1: 200 × 1 MiB, half of them on a mirrored route. Round 2: 200 × 4 MiB, 800 MiB at once.
    const round1 = await Promise.all(
      Array.from({ length: 200 }, (_, i) => upload(gateway.port, i % 2 ? '/sink/up' : '/mirrored/up', MIB)),
    )
    const peak1 = peak
    const round2 = await Promise.all(
      Array.from({ length: 200 }, () => upload(gateway.port, '/sink/up', 4 * MIB)),
    )
    clearInterval(sampler)
    assert.deepEqual(
      [...round1, ...round2].filter((s) => s !== 200),
      [],
      'every upload succeeded',
    )
    assert.equal(received, 200 * MIB + 800 * MIB, 'the upstream received every byte')
    const mib = (n: number) => `${(n / MIB).toFixed(0)} MiB`
    t.diagnostic(
      `gateway RSS ${mib(before)} → ${mib(peak1)} (200 × 1 MiB) → ${mib(peak)} (200 × 4 MiB at once)`,
    )
    // Holding bodies would take at least the bytes in flight (800 MiB in round 2); streaming holds socket
    // buffers per connection, the same for 4 MiB bodies as for 1 MiB ones.
    assert.ok(peak - before < 200 * MIB, `RSS grew ${mib(peak - before)} with 800 MiB in flight`)
    assert.ok(peak - peak1 < 100 * MIB, `4× larger bodies grew RSS by ${mib(peak - peak1)} more`)

    // Some mirrored uploads were copied for the shadow, the rest skipped by the held budget, and counted.
    const metrics = await gateway.metrics()
    const dropped = metricValue(metrics, 'shadow_dropped_total', { route: 'mirrored', reason: 'held_budget' })
    const compared = metricValue(metrics, 'shadow_requests_total', { route: 'mirrored', result: 'match' })
    t.diagnostic(`mirrored: ${compared} compared, ${dropped} skipped by the held budget`)
    assert.ok(dropped > 0, 'the budget skipped mirrors')
    assert.ok(compared > 0, 'mirrors within the budget ran and matched')
  },
)
