// Every relative link in the repository's Markdown, and every `*.md` path named in code, points at a file that
// exists: the docs a user reads are in the repository, nothing cites files it does not hold.
import assert from 'node:assert/strict'
import { existsSync, globSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { test } from 'node:test'

const ROOT = new URL('../../', import.meta.url).pathname
const skip = (name: string) =>
  name === 'node_modules' || name === 'dist' || name === '.tools' || name === 'target'
const files = (pattern: string) => globSync(pattern, { cwd: ROOT, exclude: skip })

test('relative links in Markdown resolve to files in the repository', () => {
  const broken: string[] = []
  for (const file of files('**/*.md')) {
    const text = readFileSync(join(ROOT, file), 'utf8')
    for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
      if (target === undefined || /^(https?:|mailto:|#)/.test(target)) continue
      const path = target.split('#')[0] as string
      if (!existsSync(join(ROOT, dirname(file), path))) broken.push(`${file}: ${target}`)
    }
  }
  assert.deepEqual(broken, [])
})

test('Markdown files named in code exist (a path, or a name the repository holds)', () => {
  const known = new Set(files('**/*.md').map((file) => file.split('/').at(-1)))
  const missing: string[] = []
  for (const file of files('{packages,services,test,bench,scripts,k8s}/**/*.{ts,mjs,yaml,sh}')) {
    const text = readFileSync(join(ROOT, file), 'utf8')
    for (const [name] of text.matchAll(/[\w./-]*[A-Za-z_]\w*\.md\b/g)) {
      const base = name.split('/').at(-1) as string
      if (!known.has(base)) missing.push(`${file}: ${name}`)
    }
  }
  assert.deepEqual(missing, [])
})
