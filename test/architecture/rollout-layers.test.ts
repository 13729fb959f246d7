// @zdd/rollout's layers import downwards only: scenarios → plans → run → model → schema (and the error
// registry). The files at the top of src/ (run.ts, resolve.ts, report.ts, index.ts) tie them together.
// The control: an import upwards is named.
import assert from 'node:assert/strict'
import { globSync, readFileSync } from 'node:fs'
import { dirname, join, normalize, relative } from 'node:path'
import { test } from 'node:test'

const SRC = new URL('../../packages/rollout/src/', import.meta.url).pathname
const LAYERS = ['schema', 'model', 'run', 'plans', 'scenarios']

/** "from → to" for each import of a layer file into a higher layer or into the top of src/. */
function upwards(imports: ReadonlyArray<[from: string, to: string]>): string[] {
  const layer = (file: string) => LAYERS.indexOf(file.split('/')[0] ?? '')
  return imports
    .filter(([from, to]) => layer(from) !== -1 && to !== 'errors.ts')
    .filter(([from, to]) => layer(to) === -1 || layer(to) > layer(from))
    .map(([from, to]) => `${from} → ${to}`)
}

test('an import from a lower layer into a higher one is named (control)', () => {
  assert.deepEqual(
    upwards([
      ['model/pod.ts', 'run/load.ts'],
      ['run/load.ts', 'model/pod.ts'],
      ['plans/canary.ts', 'report.ts'],
      ['model/pod.ts', 'errors.ts'],
    ]),
    ['model/pod.ts → run/load.ts', 'plans/canary.ts → report.ts'],
  )
})

test("@zdd/rollout's layers import downwards only", () => {
  const files = globSync('**/*.ts', { cwd: SRC })
  const imports: Array<[string, string]> = files.flatMap((file) =>
    [...readFileSync(join(SRC, file), 'utf8').matchAll(/from '(\.{1,2}\/[^']+)'/g)].map(
      (m): [string, string] => [file, relative(SRC, normalize(join(SRC, dirname(file), m[1] ?? '')))],
    ),
  )
  assert.ok(imports.length > 100, `${imports.length} imports read`)
  assert.deepEqual(upwards(imports), [])
})
