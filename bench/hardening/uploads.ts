// Gateway memory under parallel maximum-size uploads (issue: bodies held whole). Starts the built gateway
// bundle with a sink upstream, sends N parallel uploads of the body limit, samples the gateway's RSS.
//   node bench/hardening/uploads.ts [uploads=200] [MiB each=1]
// Prints one JSON line: RSS before and at its peak (MiB), and how many uploads got 200.
import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { createServer, request } from 'node:http'
import type { AddressInfo } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'

const MIB = 1 << 20
const uploads = Number(process.argv[2] ?? 200)
const size = Number(process.argv[3] ?? 1) * MIB
const root = fileURLToPath(new URL('../../', import.meta.url))

const sink = createServer((req, res) => {
  req.resume()
  req.on('end', () => res.end('ok'))
})
await new Promise<void>((resolve) => sink.listen(0, '127.0.0.1', resolve))
const routes = {
  upstreams: { sink: `http://127.0.0.1:${(sink.address() as AddressInfo).port}` },
  routes: [{ name: 'sink', prefix: '/sink', upstream: 'sink' }],
}
const gateway = spawn(process.execPath, [`${root}services/gateway/dist/main.js`], {
  env: {
    PATH: process.env.PATH ?? '',
    PORT: '18080',
    MANAGEMENT_PORT: '18081',
    GATEWAY_ROUTES: JSON.stringify(routes),
    GATEWAY_BODY_LIMIT_BYTES: String(size),
    FLAGS_FILE: `${root}packages/flags/flags/demo.json`,
    LOG_LEVEL: 'warn',
  },
  stdio: 'inherit',
})
for (;;) {
  const ready = await fetch('http://127.0.0.1:18081/readyz').catch(() => undefined)
  if (ready?.ok) break
  await sleep(100)
}
const rss = () =>
  Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${gateway.pid}/status`, 'utf8'))?.[1]) / 1024
const before = rss()
let peak = before
const sampler = setInterval(() => {
  peak = Math.max(peak, rss())
}, 20)

function upload(): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: 18080,
        path: '/sink/x',
        method: 'POST',
        agent: false,
        headers: { 'content-length': size },
      },
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
        if (!req.write(piece.subarray(0, n))) return void req.once('drain', write)
      }
      req.end()
    }
    write()
  })
}

const statuses = await Promise.all(Array.from({ length: uploads }, upload))
clearInterval(sampler)
console.log(
  JSON.stringify({
    uploads,
    mibEach: size / MIB,
    rssBeforeMiB: Math.round(before),
    rssPeakMiB: Math.round(peak),
    ok: statuses.filter((s) => s === 200).length,
  }),
)
gateway.kill('SIGKILL')
sink.close()
