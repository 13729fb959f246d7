// Each check against a small service that breaks exactly one behaviour (test/fixtures/service.mjs, FAULT=…),
// beside the same service done right, which passes every check: the control that each check can pass.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { parseVerifyOptions } from '../src/options.ts'
import type { VerifyReport } from '../src/report.ts'
import { verify } from '../src/verify.ts'

const SERVICE = fileURLToPath(new URL('fixtures/service.mjs', import.meta.url))
// Short windows keep the suite quick; the service's own delay (1.5 s) covers the 1 s propagation.
const OPTIONS = parseVerifyOptions({ propagation: 1, gracePeriod: 6, longPath: '/slow' })

async function run(fault: string, argv = [process.execPath, SERVICE]): Promise<VerifyReport> {
  return verify(argv, OPTIONS, { env: { ...process.env, FAULT: fault } })
}

const failing = (report: VerifyReport) => report.checks.filter((c) => c.status === 'fail').map((c) => c.n)
const explain = (report: VerifyReport) =>
  report.checks.map((c) => `${c.n} ${c.status}: ${c.figure}${c.fix ? ` | fix: ${c.fix}` : ''}`).join('\n')

test('the service done right passes all eight checks', async (t) => {
  const report = await run('')
  t.diagnostic(explain(report))
  assert.deepEqual(
    report.checks.map((c) => c.status),
    Array(8).fill('pass'),
  )
  assert.equal(report.passed, true)
  const drain = report.checks.find((c) => c.id === 'drain')
  assert.match(drain?.figure ?? '', /^0 of \d+ failed/)
})

/** fault → the check it must fail, and the checks it may fail as well (consequences of the same fault). */
const CASES: [fault: string, target: number, alsoAllowed: number[], argv?: string[]][] = [
  ['ready-early', 1, []],
  ['sticky-ready', 2, []],
  ['live-fails', 2, []],
  ['close-at-once', 3, [2, 4]],
  ['no-wait', 4, [3]],
  ['no-handler', 5, [2, 3, 4, 6]],
  ['exit-1', 5, []],
  // An entrypoint script that starts the service without exec: PID 1 is the shell, which drops the signal.
  ['', 6, [2, 3, 4, 5, 7, 8], ['sh', '-c', `"${process.execPath}" "${SERVICE}"; echo stopped`]],
  ['hang', 7, []],
  ['leftover', 8, []],
]

for (const [fault, target, alsoAllowed, argv] of CASES) {
  test(`check ${target} fails for ${argv ? 'a shell entrypoint without exec' : `FAULT=${fault}`}`, async (t) => {
    const report = await run(fault, argv)
    t.diagnostic(explain(report))
    const failed = failing(report)
    assert.ok(failed.includes(target), `check ${target} failed:\n${explain(report)}`)
    const unexpected = failed.filter((n) => n !== target && !alsoAllowed.includes(n))
    assert.deepEqual(unexpected, [], `no check outside this fault failed:\n${explain(report)}`)
    assert.equal(report.passed, false)
    const check = report.checks.find((c) => c.n === target)
    assert.ok(check?.fix, 'a failure says what to change')
  })
}
