// `zdd verify` as a user runs it: the report on stdout, --json and --html files, and the exit codes.
import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { readJson, runCli, scratch } from '../helpers/cli.ts'

const SERVICE = fileURLToPath(new URL('../../packages/verify/test/fixtures/service.mjs', import.meta.url))
const QUICK = ['--propagation', '1', '--grace-period', '6']

interface Report {
  passed: boolean
  checks: { n: number; status: string; figure: string }[]
  options: { propagation: number; gracePeriod: number }
}

test('a service that drains right: exit 0, the report on stdout and in --json / --html', async (t) => {
  const dir = await scratch(t)
  const json = join(dir, 'verify.json')
  const html = join(dir, 'verify.html')
  const run = await runCli([
    'verify',
    ...QUICK,
    '--json',
    json,
    '--html',
    html,
    '--',
    process.execPath,
    SERVICE,
  ])
  t.diagnostic(run.stdout)
  assert.equal(run.code, 0, run.stderr)
  assert.match(run.stdout, /Safe to roll: every check passed/)
  assert.match(run.stderr, /run 1 of 4/, 'progress goes to stderr')
  const report = await readJson<Report>(json)
  assert.equal(report.passed, true)
  assert.equal(report.checks.length, 8)
  assert.deepEqual(
    [report.options.propagation, report.options.gracePeriod],
    [1, 6],
    'the options it ran with',
  )
  assert.equal(report.checks.find((c) => c.n === 4)?.status, 'n/a', 'no --long-path: check 4 does not apply')
  assert.match(await readFile(html, 'utf8'), /Safe to roll: every check passed/)
})

test('a service that fails a check: exit 3, the reason and the fix printed', async () => {
  const run = await runCli(['verify', ...QUICK, '--', process.execPath, SERVICE], 120_000, {
    FAULT: 'exit-1',
  })
  assert.equal(run.code, 3, run.stderr)
  assert.match(run.stdout, /FAIL {2}5\. exits by itself with code 0/)
  assert.match(run.stdout, /fix: exit 0 after a clean drain/)
  assert.match(run.stdout, /Not safe to roll: 1 check failed \(5\)/)
})

test('usage errors exit 2 and name the flag', async () => {
  const bad = await runCli(['verify', '--rps', 'lots', '--', 'true'])
  assert.equal(bad.code, 2)
  assert.match(bad.stderr, /--rps \(got "lots"\): a whole number from 1 to 5000/)
  const none = await runCli(['verify', '--rps', '10'])
  assert.equal(none.code, 2)
  assert.match(none.stderr, /give the command to verify after `--`/)
  const missing = await runCli(['verify', '--', './no-such-service'])
  assert.equal(missing.code, 2)
  assert.match(
    missing.stderr,
    /ZDD_VERIFY_COMMAND_NOT_STARTED: The command "\.\/no-such-service" could not be started/,
  )
})
