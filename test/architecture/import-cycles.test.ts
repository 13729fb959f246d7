// No import circles inside a package or a service: every src/ file's relative imports (type imports too)
// form a graph without cycles, so each file can be read after the ones it uses. The control: the same
// search finds the cycle in a graph that has one.
import assert from 'node:assert/strict'
import { globSync, readFileSync } from 'node:fs'
import { dirname, join, normalize } from 'node:path'
import { test } from 'node:test'

const ROOT = new URL('../../', import.meta.url).pathname

/** Each file's relative imports, as paths from the repository's root. */
function importGraph(files: readonly string[]): Map<string, string[]> {
  const graph = new Map<string, string[]>()
  for (const file of files) {
    const text = readFileSync(join(ROOT, file), 'utf8')
    const targets = [...text.matchAll(/from '(\.{1,2}\/[^']+)'/g)].map((m) =>
      normalize(join(dirname(file), m[1] ?? '')),
    )
    graph.set(file, targets)
  }
  return graph
}

/** One cycle per strongly connected group found by a depth-first search, as the files in order. */
function cycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  const found: string[][] = []
  const done = new Set<string>()
  const visit = (file: string, path: string[]) => {
    const at = path.indexOf(file)
    if (at !== -1) {
      found.push([...path.slice(at), file])
      return
    }
    if (done.has(file)) return
    for (const next of graph.get(file) ?? []) visit(next, [...path, file])
    done.add(file)
  }
  for (const file of graph.keys()) visit(file, [])
  return found
}

test('the search finds a cycle where there is one (control)', () => {
  const graph = new Map([
    ['a.ts', ['b.ts']],
    ['b.ts', ['c.ts']],
    ['c.ts', ['a.ts']],
    ['d.ts', ['a.ts']],
  ])
  assert.deepEqual(cycles(graph), [['a.ts', 'b.ts', 'c.ts', 'a.ts']])
  assert.deepEqual(cycles(new Map([['a.ts', ['b.ts']]])), [])
})

test('no package or service has an import circle in its src/', () => {
  const files = globSync('{packages,services}/*/src/**/*.ts', { cwd: ROOT })
  assert.ok(files.length > 100, `read ${files.length} files`)
  const found = cycles(importGraph(files))
  assert.deepEqual(
    found.map((cycle) => cycle.join(' → ')),
    [],
  )
})
