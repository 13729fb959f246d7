import assert from 'node:assert/strict'
import { createServer } from 'node:net'
import { test } from 'node:test'
import { freePort, freePorts, portFree } from '@zdd/ports'

test('free ports are distinct, bindable, and never one excluded', async () => {
  const ports = await freePorts(5)
  assert.equal(new Set(ports).size, 5)
  for (const port of ports) assert.equal(await portFree(port), true)
  const [first] = ports as [number]
  for (let i = 0; i < 20; i += 1) assert.notEqual(await freePort(first), first)
})

test('a port in use is not free (the control)', async (t) => {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.after(() => server.close())
  const { port } = server.address() as { port: number }
  assert.equal(await portFree(port), false)
})
