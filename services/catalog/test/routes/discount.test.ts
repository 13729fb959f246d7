import assert from 'node:assert/strict'
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { DEMO_FLAGS_FILE, FLAG, readFlagsFile, setEnabled, setRollout, writeFlagsFile } from '@zdd/flags'
import { createService } from '@zdd/lifecycle'
import { catalogService } from '../../src/app.ts'
import { TEST_ENV } from '../helper.ts'

const USERS = 400
const ORIGINAL = { id: 'p-102', name: 'Rolling-update hoodie', priceCents: 4500 }

async function started(t: import('node:test').TestContext, rollout: number) {
  const dir = mkdtempSync(join(tmpdir(), 'zdd-catalog-flags-'))
  const file = join(dir, 'flags.json')
  copyFileSync(DEMO_FLAGS_FILE, file)
  const doc = readFlagsFile(file)
  setRollout(doc, FLAG.catalogDiscount, rollout, file)
  writeFlagsFile(file, doc)
  const service = await createService(catalogService, {
    ...TEST_ENV,
    PORT: '0',
    MANAGEMENT_PORT: '0',
    FLAGS_FILE: file,
  })
  t.after(async () => {
    await service.shutdown('test')
    rmSync(dir, { recursive: true, force: true })
  })
  await service.start()
  return { service, file }
}

const get = (app: Awaited<ReturnType<typeof started>>['service']['app'], user: string) =>
  app.inject({ url: '/products/p-102', headers: { 'x-zdd-user': user } }).then((r) => r.json().item)

test('catalog-discount at 50 %: about half the users see the discount, the rest exactly today’s response', async (t) => {
  const { service } = await started(t, 50)
  let on = 0
  for (let i = 0; i < USERS; i++) {
    const item = await get(service.app, `user-${i}`)
    if (item.discountPercent === undefined) {
      assert.deepEqual(item, ORIGINAL)
    } else {
      on++
      assert.deepEqual(item, { ...ORIGINAL, priceCents: 3600, listPriceCents: 4500, discountPercent: 20 })
      assert.deepEqual(await get(service.app, `user-${i}`), item, 'sticky per user')
    }
  }
  t.diagnostic(`discount on for ${on} of ${USERS} users`)
  assert.ok(on > USERS * 0.4 && on < USERS * 0.6, `${on} of ${USERS}`)
  const anonymous = await service.app.inject('/products')
  assert.deepEqual(anonymous.json().items[2], ORIGINAL, 'no user id: the switch stays off')
})

test('turning the switch off in the flags file restores the original responses within 2 s', async (t) => {
  const { service, file } = await started(t, 100)
  assert.equal((await get(service.app, 'user-1')).discountPercent, 20)
  const doc = readFlagsFile(file)
  setEnabled(doc, FLAG.catalogDiscount, false, file)
  writeFlagsFile(file, doc)
  const start = performance.now()
  while ((await get(service.app, 'user-1')).discountPercent !== undefined) {
    assert.ok(performance.now() - start < 2000, 'still discounted 2 s after the switch went off')
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
  t.diagnostic(`switch off took effect after ${(performance.now() - start).toFixed(0)} ms`)
  assert.deepEqual(await get(service.app, 'user-1'), ORIGINAL)
})
