// The examples in Go, Python, Java and Rust (examples/): each built with its own toolchain, then verified by
// `zdd verify` at its defaults, as a user would run it. Beside them, the control: the Go example with no drain
// delay loses requests and fails, so a pass here is not the tool passing everything.
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { type TestContext, test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { readJson, runCli, scratch } from '../helpers/cli.ts'

const EXAMPLES = fileURLToPath(new URL('../../examples/', import.meta.url))

interface Report {
  passed: boolean
  durationMs: number
  checks: { n: number; status: string; figure: string; fix?: string }[]
}

function build(t: TestContext, cwd: string, argv: string[]): void {
  const result = spawnSync(argv[0] as string, argv.slice(1), { cwd, encoding: 'utf8' })
  if (result.error) throw new Error(`${argv[0]} is needed to build ${cwd}: ${result.error.message}`)
  assert.equal(result.status, 0, `${argv.join(' ')}:\n${result.stdout}\n${result.stderr}`)
  t.diagnostic(`built: ${argv.join(' ')}`)
}

async function verifyExample(t: TestContext, command: string[], env: Record<string, string> = {}) {
  const json = join(await scratch(t), 'report.json')
  const run = await runCli(['verify', '--long-path', '/slow', '--json', json, '--', ...command], 180_000, env)
  const report = await readJson<Report>(json)
  t.diagnostic(`${command.join(' ')}: ${(report.durationMs / 1000).toFixed(1)} s`)
  for (const check of report.checks) t.diagnostic(`  ${check.n} ${check.status}: ${check.figure}`)
  return { run, report }
}

const LANGUAGES: [name: string, setup: (t: TestContext, out: string) => string[]][] = [
  [
    'Go',
    (t, out) => {
      build(t, join(EXAMPLES, 'go'), ['go', 'build', '-o', join(out, 'service'), '.'])
      return [join(out, 'service')]
    },
  ],
  ['Python', () => ['python3', join(EXAMPLES, 'python', 'service.py')]],
  ['Java', () => ['java', join(EXAMPLES, 'java', 'Main.java')]],
  [
    'Rust',
    (t) => {
      build(t, join(EXAMPLES, 'rust'), ['cargo', 'build', '--release', '--locked', '--quiet'])
      return [join(EXAMPLES, 'rust', 'target', 'release', 'zdd-verify-rust')]
    },
  ],
]

for (const [name, setup] of LANGUAGES) {
  test(`the ${name} example passes every check at the defaults`, async (t) => {
    const command = setup(t, await scratch(t))
    const { run, report } = await verifyExample(t, command)
    assert.equal(run.code, 0, run.stdout)
    assert.deepEqual(
      report.checks.map((c) => c.status),
      Array(8).fill('pass'),
    )
  })
}

test('control: the Go example without its drain delay loses requests, and verify says what to change', async (t) => {
  const out = await scratch(t)
  build(t, join(EXAMPLES, 'go'), ['go', 'build', '-o', join(out, 'service'), '.'])
  const { run, report } = await verifyExample(t, [join(out, 'service')], { SHUTDOWN_DELAY_SECONDS: '0' })
  assert.equal(run.code, 3)
  const drain = report.checks.find((c) => c.n === 3)
  assert.equal(drain?.status, 'fail')
  assert.match(drain?.figure ?? '', /ECONNREFUSED/)
  assert.match(drain?.fix ?? '', /propagation window/)
})
