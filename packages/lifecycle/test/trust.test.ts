import assert from 'node:assert/strict'
import { test } from 'node:test'
import { compileTrust, createService, errors, LifecycleEnv, loadConfig } from '@zdd/lifecycle'

test('TRUST_PROXY: addresses, CIDR ranges (IPv4 and IPv6, IPv4-mapped too) and loopback', () => {
  const { trust, problems } = compileTrust('10.0.0.0/8, 192.0.2.7, fd00::/8, loopback')
  assert.deepEqual(problems, [])
  for (const address of ['10.1.2.3', '::ffff:10.9.9.9', '192.0.2.7', 'fd12::1', '127.0.0.1', '::1']) {
    assert.equal(trust(address), true, address)
  }
  for (const address of ['11.0.0.1', '192.0.2.8', 'fe80::1', undefined, '', 'nonsense']) {
    assert.equal(trust(address), false, String(address))
  }
  assert.equal(compileTrust('').trust('127.0.0.1'), false, 'empty trusts nobody')
})

test('a bad TRUST_PROXY is a config error naming the variable and each bad entry', () => {
  assert.throws(
    () => loadConfig(LifecycleEnv, { TRUST_PROXY: '10.0.0.0/33, proxy.local, 10.0.0.1' }),
    (err: Error) =>
      err instanceof errors.InvalidConfigError &&
      /TRUST_PROXY \(got "10\.0\.0\.0\/33, proxy\.local, 10\.0\.0\.1"\)/.test(err.message) &&
      err.message.includes('"10.0.0.0/33" is not') &&
      err.message.includes('"proxy.local" is not'),
  )
})

test('request.ip is the real client behind a trusted proxy, the peer otherwise', async (t) => {
  const service = await createService(
    {
      name: 'probe',
      envSchema: LifecycleEnv,
      register: (app) => {
        app.get('/ip', async (request) => ({ ip: request.ip, protocol: request.protocol }))
      },
    },
    { TRUST_PROXY: '10.0.0.0/8', LOG_LEVEL: 'silent' },
  )
  t.after(() => Promise.all([service.app.close(), service.management.close()]))
  const headers = { 'x-forwarded-for': '198.51.100.9', 'x-forwarded-proto': 'https' }
  const viaProxy = await service.app.inject({ url: '/ip', headers, remoteAddress: '10.1.2.3' })
  assert.deepEqual(viaProxy.json(), { ip: '198.51.100.9', protocol: 'https' })
  const direct = await service.app.inject({ url: '/ip', headers, remoteAddress: '192.0.2.1' })
  assert.deepEqual(direct.json(), { ip: '192.0.2.1', protocol: 'http' })
})
