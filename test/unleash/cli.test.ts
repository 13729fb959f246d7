// `zdd flags up|down|export` and the server mode of `zdd flags list|set|reset`, run as a user runs them,
// against a real unleash-server with its own Postgres: seeded from the offline file and exported back to
// it unchanged, idempotent, stopped (its data kept: test/unleash/traffic.test.ts restarts it), wiped by --fresh.
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { existsSync, readFileSync, statSync } from 'node:fs'
import { connect, createServer } from 'node:net'
import { join } from 'node:path'
import { test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { DEMO_FLAGS_FILE, FLAG, readFlagsFile } from '@zdd/flags'
import { canonical, fromAdmin, fromClientFeatures, readState, stateFile } from '@zdd/unleash-tools'
import { runCli } from '../helpers/cli.ts'
import { randomPort, startLocalUnleash, unleashScratch, upTimings } from './lib/local.ts'

const PORT = randomPort(12_000, 19_000)
const demo = readFlagsFile(DEMO_FLAGS_FILE)
const SEED_JOB = fileURLToPath(import.meta.resolve('@zdd/unleash/seed-job'))

/** Alive and not a zombie waiting for init to reap it (the CLI that started it has exited). */
const alive = (pid: number | undefined) => {
  try {
    return pid !== undefined && !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'))
  } catch {
    return false
  }
}
const listening = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect(port, '127.0.0.1', () => socket.end(() => resolve(true)))
    socket.once('error', () => resolve(false))
  })

test('zdd flags up, list/set/reset on the server, export, the seeding Job program, down, --fresh', async (t) => {
  const unleash = await startLocalUnleash(t, PORT)
  const { cli, admin, state, dir } = unleash
  t.diagnostic(`zdd flags up, empty database: ${upTimings(unleash.up)}`)
  assert.match(
    unleash.up.stdout,
    new RegExp(`admin UI +http://127\\.0\\.0\\.1:${PORT}/ +login admin / ${state.adminPassword}$`, 'm'),
  )
  // A generated admin password and session secret, never Unleash's published defaults.
  assert.match(state.adminPassword ?? '', /^[0-9a-f]{24}$/)
  assert.match(state.sessionSecret ?? '', /^[0-9a-f]{64}$/)
  const login = (password: string) =>
    fetch(`http://127.0.0.1:${PORT}/auth/simple/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password }),
    }).then(async (res) => {
      await res.arrayBuffer()
      return res.status
    })
  assert.equal(await login(state.adminPassword ?? ''), 200, 'the generated password logs in')
  assert.equal(await login('unleash4all'), 401, "Unleash's published default does not")
  assert.match(
    unleash.up.stdout,
    /demo flags +created recommendations-ab, catalog-canary, recommendations-shadow, catalog-discount/,
  )
  assert.match(unleash.up.stdout, new RegExp(`UNLEASH_URL=http://127\\.0\\.0\\.1:${PORT}/api/ `))
  assert.equal(statSync(stateFile(dir)).mode & 0o777, 0o600, 'the state file holds tokens: 0600')
  assert.match(state.adminToken, /^\*:\*\./)
  assert.match(state.backendToken ?? '', /^\*:development\./)

  await t.test('the seeded server holds exactly the offline file: export and what SDKs receive', async () => {
    const file = join(unleash.stateDir, 'exported.json')
    const run = await cli(['flags', 'export', '--file', file])
    assert.equal(run.code, 0, run.stderr)
    assert.equal(JSON.stringify(readFlagsFile(file)), JSON.stringify(demo), 'same flags, same key order')
    const stdout = await cli(['flags', 'export', '--stdout'])
    assert.deepEqual(JSON.parse(stdout.stdout), readFlagsFile(file))
    const res = await fetch(`${state.url}/api/client/features`, {
      headers: { authorization: state.backendToken ?? '' },
    })
    const client = fromClientFeatures((await res.json()) as Parameters<typeof fromClientFeatures>[0])
    assert.deepEqual(client.features.map(canonical).sort(), demo.features.map(canonical).sort())
  })

  await t.test('list, set and reset act on the running server through the admin API', async () => {
    const offline = await runCli(['flags', 'list', '--file', join(unleash.stateDir, 'offline.json')])
    const list = await cli(['flags', 'list'])
    assert.equal(list.code, 0, list.stderr)
    assert.equal(list.stdout, offline.stdout, 'the same listing as the offline demo file')

    const variants = await cli(['flags', 'set', FLAG.abExperiment, '--variants', 'a=70,b=30'])
    assert.equal(variants.code, 0, variants.stderr)
    assert.match(
      variants.stdout,
      /variants a=70,b=30\n\(Unleash at http:\/\/127\.0\.0\.1:\d+, project default/,
    )
    assert.equal((await cli(['flags', 'set', FLAG.catalogCanary, '--rollout', '30'])).code, 0)
    assert.equal((await cli(['flags', 'set', FLAG.shadow, 'off'])).code, 0)
    const ab = await admin.feature(FLAG.abExperiment)
    const dev = ab?.environments.find((e) => e.name === 'development')
    assert.deepEqual(
      dev?.strategies[0]?.variants?.map((v) => [v.name, v.weight, v.weightType]),
      [
        ['a', 700, 'fix'],
        ['b', 300, 'variable'],
      ],
      'kept as set: Unleash would spread "variable" weights evenly',
    )
    const canary = await admin.feature(FLAG.catalogCanary)
    assert.equal(canary && fromAdmin(canary, 'development').strategies[0]?.parameters?.rollout, '30')
    assert.ok(!existsSync(join(unleash.stateDir, 'flags.json')), 'the offline file was not touched')

    for (const [args, message] of [
      [['set', 'nope', 'on'], /No flag named "nope" in Unleash at .*known flags: .*recommendations-ab/],
      [['set', FLAG.shadow, '--rollout', '5'], /no flexibleRollout strategy/],
      [['set', FLAG.abExperiment, '--variants', 'a=80'], /summing to 100, got 80/],
    ] as const) {
      const run = await cli(['flags', ...args])
      assert.equal(run.code, 2, `${args.join(' ')}: exit ${run.code} ${run.stderr}`)
      assert.match(run.stderr, message)
    }

    const again = await cli(['flags', 'up'])
    assert.equal(again.code, 0, again.stderr)
    assert.match(again.stdout, /Unleash already running/)
    assert.match(again.stdout, /demo flags +4 kept as they are/, 'changes made since are kept')
    const after = await admin.feature(FLAG.catalogCanary)
    assert.equal(
      after?.environments.find((e) => e.name === 'development')?.strategies.length,
      1,
      'no duplicate',
    )

    const reset = await cli(['flags', 'reset'])
    assert.equal(reset.code, 0, reset.stderr)
    assert.match(
      reset.stdout,
      /restored the demo flags on Unleash at .*recommendations-ab, catalog-canary, recommendations-shadow rewritten/,
    )
    const listed = await cli(['flags', 'list'])
    assert.equal(listed.stdout, offline.stdout)
  })

  await t.test(
    'the seeding program of the Kubernetes Job: same result, its environment validated',
    async () => {
      const seed = (env: Record<string, string>) =>
        new Promise<{ code: number | null; out: string }>((resolve) => {
          const child = spawn(process.execPath, [SEED_JOB], { env: { PATH: process.env.PATH ?? '', ...env } })
          let out = ''
          child.stdout.on('data', (chunk) => {
            out += chunk
          })
          child.once('exit', (code) => resolve({ code, out }))
        })
      const kept = await seed({ UNLEASH_URL: `${state.url}/api/`, UNLEASH_ADMIN_TOKEN: state.adminToken })
      assert.equal(kept.code, 0, kept.out)
      const line = JSON.parse(kept.out) as { kept: string[]; created: string[]; msg: string }
      assert.deepEqual(
        line.kept,
        demo.features.map((f) => f.name),
        'the flags of `zdd flags up`, nothing to do',
      )
      assert.match(line.msg, /seeded 4 flags/)
      const bad = await seed({ UNLEASH_URL: 'not a url' })
      assert.equal(bad.code, 1)
      const { msg } = JSON.parse(bad.out) as { msg: string }
      assert.match(msg, /UNLEASH_URL \(got "not a url"\)/)
      assert.match(msg, /UNLEASH_ADMIN_TOKEN \(not set\)/)
    },
  )

  await t.test(
    'down stops both; while it is stopped the CLI says so and falls back to the file',
    async () => {
      assert.equal((await cli(['flags', 'set', FLAG.catalogCanary, '--rollout', '40'])).code, 0)
      const pgPort = state.postgres.port
      const down = await cli(['flags', 'down'])
      assert.equal(down.code, 0, down.stderr)
      assert.match(down.stdout, /stopped unleash and postgres; data kept/)
      assert.equal(alive(state.pid), false, 'unleash exited')
      assert.equal(await listening(pgPort), false, 'postgres exited')
      assert.equal(readState(dir)?.pid, undefined)
      assert.match((await cli(['flags', 'down'])).stdout, /was not running/)

      const list = await cli(['flags', 'list'])
      assert.equal(list.code, 0)
      assert.match(
        list.stderr,
        /local Unleash in .* is stopped: using the offline file; zdd flags up starts it/,
      )
      const stack = await cli(['up', '--unleash', '--base-port', String(PORT + 100)])
      assert.equal(stack.code, 1)
      assert.match(
        stack.stderr,
        /ZDD_UNLEASH_NOT_RUNNING: No local Unleash is running .*Start it with `zdd flags up`/,
      )
      const exported = await cli(['flags', 'export'])
      assert.equal(exported.code, 1)
      assert.match(exported.stderr, /ZDD_UNLEASH_NOT_RUNNING/)
    },
  )

  await t.test('--fresh wipes the folder and starts over with the demo flags and new tokens', async (st) => {
    const fresh = await cli(['flags', 'up', '--fresh'])
    assert.equal(fresh.code, 0, fresh.stderr)
    st.diagnostic(`zdd flags up --fresh: ${upTimings(fresh)}`)
    assert.match(
      fresh.stdout,
      /created recommendations-ab, catalog-canary, recommendations-shadow, catalog-discount/,
    )
    assert.match(fresh.stdout, new RegExp(`admin UI +http://127\\.0\\.0\\.1:${PORT}/`), 'on the port it had')
    const renewed = readState(dir)
    assert.notEqual(renewed?.adminToken, state.adminToken, 'new tokens')
    const list = await cli(['flags', 'list'])
    assert.match(list.stdout, /catalog-canary +release +rollout 10%/, 'the rollout set before is gone')
    const down = await cli(['flags', 'down', '--fresh'])
    assert.equal(down.code, 0)
    assert.ok(!existsSync(dir), 'down --fresh deletes the folder')
  })
})

test('zdd flags up: a port taken by something else is named, and nothing is left running', async (t) => {
  const stateDir = await unleashScratch(t)
  const port = randomPort(12_000, 19_000)
  const blocker = createServer().listen(port, '127.0.0.1')
  await once(blocker, 'listening')
  t.after(() => blocker.close())
  const env = { ZDD_STATE_DIR: stateDir }
  const run = await runCli(['flags', 'up', '--port', String(port)], 60_000, env)
  assert.equal(run.code, 1)
  assert.match(run.stderr, new RegExp(`ZDD_UNLEASH_PORT_IN_USE: Port ${port} on 127\\.0\\.0\\.1 is in use`))
  const down = await runCli(['flags', 'down'], 30_000, env)
  assert.match(down.stdout, /stopped postgres/, 'the database it had started is stopped by flags down')
  assert.ok(readFileSync(join(stateDir, 'unleash', 'state.json'), 'utf8').includes('"postgres"'))
})
