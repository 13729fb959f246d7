// The official Unleash client specification (@unleash/client-specification) against @zdd/flags, offline from
// a flags file, in server mode and through request.flags, with Unleash's own Node client run on the same
// cases in the same run as the reference: every case the reference passes, ours must pass too.
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type TestContext, test } from 'node:test'
import type { FlagClient } from '@zdd/flags'
import { type Answers, loadSpecs, regressions, SPEC_VERSION, type SpecCase, tally } from './helpers/spec.ts'
import { notExpressible, runRequests } from './helpers/spec-request.ts'
import { offlineClient, runOffline, runReference, runServer } from './helpers/spec-runners.ts'
import { serveSpecs } from './helpers/spec-server.ts'

const specs = loadSpecs()
const cases = specs.flatMap((s) => s.cases)

function report(
  t: TestContext,
  mode: string,
  all: SpecCase[],
  answers: Answers,
  reference: Answers,
): string[] {
  const ours = tally(all, answers)
  const ref = tally(all, reference)
  const lost = regressions(all, reference, answers)
  t.diagnostic(
    `conformance ${mode}: @zdd/flags ${ours.passed.length}/${all.length}, unleash-client ${ref.passed.length}/${all.length}` +
      ` (client-specification ${SPEC_VERSION}); ${lost.length} passed by the reference only`,
  )
  return lost
}

function show(lost: string[]): string {
  return `${lost.length} cases the reference passes fail here:\n${lost.slice(0, 25).join('\n')}`
}

test(`Unleash client specification: @zdd/flags passes every case unleash-client passes`, {
  timeout: 120_000,
}, async (t) => {
  assert.ok(specs.length > 0 && cases.length > 0, 'the specification package has cases')
  assert.equal(new Set(cases.map((c) => c.id)).size, cases.length, 'case ids are unique')

  const server = await serveSpecs(specs)
  const dir = mkdtempSync(join(tmpdir(), 'zdd-flags-spec-'))
  t.after(async () => {
    await server.close()
    rmSync(dir, { recursive: true, force: true })
  })
  const emptyFile = join(dir, 'empty.json')
  writeFileSync(emptyFile, '{"version":2,"features":[]}')

  const reference: Answers = new Map()
  for (const spec of specs) {
    const run = await runReference(spec, server.urlOf(spec))
    if (run.failure) t.diagnostic(`reference: ${spec.file} not run: ${run.failure}`)
    for (const [id, answer] of run.answers) reference.set(id, answer)
  }
  const { passed, failed } = tally(cases, reference)
  t.diagnostic(
    `unleash-client passes ${passed.length}/${cases.length}${failed.length ? `; fails ${failed.join('; ')}` : ''}`,
  )
  assert.ok(passed.length > 0, 'the reference passes cases (the harness works)')

  await t.test('offline, from a flags file', async (st) => {
    const answers: Answers = new Map()
    for (const spec of specs) {
      const client = offlineClient(spec, dir)
      try {
        const run = await runOffline(client, spec)
        if (run.failure) st.diagnostic(`${spec.file} not loaded: ${run.failure}`)
        for (const [id, answer] of run.answers) answers.set(id, answer)
      } finally {
        await client.close()
      }
    }
    const lost = report(st, 'offline', cases, answers, reference)
    assert.equal(lost.length, 0, show(lost))
  })

  await t.test('server mode, polling a stand-in that serves each spec state', async (st) => {
    const answers: Answers = new Map()
    for (const spec of specs) {
      const run = await runServer(spec, server.urlOf(spec), emptyFile)
      if (run.failure) st.diagnostic(`${spec.file} not synced: ${run.failure}`)
      for (const [id, answer] of run.answers) answers.set(id, answer)
    }
    for (const spec of specs) {
      assert.ok(
        (server.hits.get(`/${spec.index}/api/client/features`) ?? 0) > 0,
        `${spec.file} fetched over HTTP`,
      )
    }
    const lost = report(st, 'server', cases, answers, reference)
    assert.equal(lost.length, 0, show(lost))
  })

  await t.test('request.flags through a Fastify instance', async (st) => {
    const answers: Answers = new Map()
    const expressible: SpecCase[] = []
    const reasons = new Map<string, number>()
    const mismatches: string[] = []
    for (const spec of specs) {
      const own = spec.cases.filter((c) => {
        const reason = notExpressible(c)
        if (reason) reasons.set(reason, (reasons.get(reason) ?? 0) + 1)
        return reason === undefined
      })
      expressible.push(...own)
      if (own.length === 0) continue
      const client: FlagClient = offlineClient(spec, dir)
      try {
        await client.start().catch((err: Error) => st.diagnostic(`${spec.file} not loaded: ${err.message}`))
        const run = await runRequests(client, own)
        mismatches.push(...run.mismatches)
        for (const [id, answer] of run.answers) answers.set(id, answer)
      } finally {
        await client.close()
      }
    }
    for (const [reason, count] of reasons)
      st.diagnostic(`${count} cases not expressible in a request: ${reason}`)
    assert.ok(expressible.length > 0, 'some cases run through request.flags')
    const lost = report(st, 'request.flags', expressible, answers, reference)
    assert.equal(
      mismatches.length,
      0,
      `requests did not carry the case's context:\n${mismatches.slice(0, 25).join('\n')}`,
    )
    assert.equal(lost.length, 0, show(lost))
  })
})
