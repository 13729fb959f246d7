import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { serverSecretProblems } from '../src/secrets.ts'

const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url))
const GOOD = {
  UNLEASH_DEFAULT_ADMIN_PASSWORD: 'a-long-password-1',
  UNLEASH_SECRET: 'x'.repeat(32),
}

test('the admin password and session secret must be set, long enough, and not Unleash defaults', () => {
  assert.deepEqual(serverSecretProblems(GOOD), [])
  assert.deepEqual(serverSecretProblems({}), [
    'UNLEASH_DEFAULT_ADMIN_PASSWORD unset (the password of the admin user)',
    'UNLEASH_SECRET unset (the secret that signs admin sessions)',
  ])
  assert.deepEqual(
    serverSecretProblems({ UNLEASH_DEFAULT_ADMIN_PASSWORD: 'unleash4all', UNLEASH_SECRET: 'super-secret' }),
    [
      "UNLEASH_DEFAULT_ADMIN_PASSWORD set to Unleash's published default",
      "UNLEASH_SECRET set to Unleash's published default",
    ],
  )
  assert.deepEqual(serverSecretProblems({ ...GOOD, UNLEASH_SECRET: 'short' }), [
    'UNLEASH_SECRET shorter than 32 characters',
  ])
})

test("the server entry refuses to start with Unleash's defaults, saying what to set, before loading Unleash", () => {
  const run = spawnSync(process.execPath, [MAIN], {
    env: { PATH: process.env.PATH ?? '', UNLEASH_SECRET: 'super-secret' },
    encoding: 'utf8',
    timeout: 60_000,
  })
  assert.equal(run.status, 1, run.stderr)
  assert.match(run.stderr, /^ZDD_UNLEASH_SERVER_SECRETS: Unleash is not started with safe secrets: /)
  assert.match(run.stderr, /UNLEASH_DEFAULT_ADMIN_PASSWORD unset/)
  assert.match(run.stderr, /UNLEASH_SECRET set to Unleash's published default/)
  assert.match(run.stderr, /admin-password and session-secret of the Secret unleash-tokens/)
})
