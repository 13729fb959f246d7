import assert from 'node:assert/strict'
import { once } from 'node:events'
import { connect } from 'node:net'
import { test } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { flagsFile } from '../helpers/flags.ts'
import { E2E, startGateway } from '../helpers/gateway.ts'
import { sendJson, startUpstream } from '../helpers/upstream.ts'

/** Writes a whole request, then either shuts the sending side (half-close) or resets the connection. */
async function exchange(port: number, request: string, after: 'half-close' | 'reset'): Promise<string> {
  const socket = connect(port, '127.0.0.1')
  await once(socket, 'connect')
  let text = ''
  socket.setEncoding('utf8').on('data', (chunk: string) => {
    text += chunk
  })
  socket.on('error', () => {})
  socket.write(request)
  if (after === 'half-close') socket.end()
  else {
    await sleep(200)
    socket.resetAndDestroy()
  }
  await once(socket, 'close')
  return text
}

test(
  'a client that half-closes after its request gets the answer; one that resets cancels the upstream request',
  E2E,
  async (t) => {
    const cancelled: boolean[] = []
    const slow = await startUpstream(t, 'slow', {
      handler: async (request, response) => {
        response.on('close', () => cancelled.push(!response.writableFinished))
        await sleep(request.url.includes('fast') ? 0 : 800)
        if (!response.destroyed) sendJson(response, 200, { got: request.body })
      },
    })
    const flags = await flagsFile(t, {})
    const gateway = await startGateway(t, {
      routes: {
        upstreams: { slow: slow.url },
        routes: [{ name: 'slow', prefix: '/slow', upstream: 'slow' }],
      },
      env: { FLAGS_FILE: flags.path },
    })
    const body = '{"a":1}'
    const post = (path: string) =>
      `POST ${path} HTTP/1.1\r\nHost: g\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`

    // As `printf 'POST …' | nc`: the request complete, then FIN. Proxied, slow and fast.
    for (const path of ['/slow/item', '/slow/fast']) {
      const answer = await exchange(gateway.port, post(path), 'half-close')
      assert.match(answer, /^HTTP\/1\.1 200 /, `${path}: ${answer.slice(0, 200)}`)
      assert.match(answer, /\{"got":"\{\\"a\\":1\}"\}/)
    }
    // A real abort: the client resets while the upstream is still working; the gateway gives up the exchange.
    cancelled.length = 0
    const answer = await exchange(gateway.port, post('/slow/item'), 'reset')
    assert.equal(answer, '')
    for (let i = 0; i < 50 && cancelled.length === 0; i++) await sleep(50)
    assert.deepEqual(cancelled, [true], 'the upstream request was cancelled before it answered')
  },
)
