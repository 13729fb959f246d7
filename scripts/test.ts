// Runs every test file with Node's own test runner, one file at a time: the e2e proofs measure timing on a
// 2-core machine and must not compete with each other. Arguments narrow the run to paths containing them.
import { spawnSync } from 'node:child_process'
import { globSync } from 'node:fs'

const patterns = ['packages/*/test/**/*.test.ts', 'services/*/test/**/*.test.ts', 'test/**/*.test.ts']
const filters = process.argv.slice(2)
const files = patterns
  .flatMap((pattern) => globSync(pattern, { exclude: (name) => name === 'node_modules' }))
  .filter((file) => filters.length === 0 || filters.some((filter) => file.includes(filter)))
  .sort()

if (files.length === 0) {
  console.error(`no test files match ${filters.join(', ') || patterns.join(', ')}`)
  process.exit(1)
}
const result = spawnSync(process.execPath, ['--test', '--test-concurrency=1', ...files], { stdio: 'inherit' })
process.exit(result.status ?? 1)
