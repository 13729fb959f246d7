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

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
const slug = (heading: string) =>
  heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-')
const headings = new Map<string, Set<string>>()
/** The anchors a Markdown file offers, read once per file. */
function anchors(file: string): Set<string> {
  let found = headings.get(file)
  if (found === undefined) {
    const text = readFileSync(file, 'utf8')
    found = new Set([...text.matchAll(/^#{1,6}\s+(.+)$/gm)].map(([, heading]) => slug(heading ?? '')))
    headings.set(file, found)
  }
  return found
}

test('relative links in Markdown resolve to files in the repository', () => {
  const broken: string[] = []
  for (const file of files('**/*.md')) {
    const text = readFileSync(join(ROOT, file), 'utf8')
    for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
      if (target === undefined || /^(https?:|mailto:|#)/.test(target)) continue
      const [path, anchor] = target.split('#') as [string, string | undefined]
      const resolved = join(ROOT, dirname(file), path)
      if (!existsSync(resolved)) broken.push(`${file}: ${target}`)
      else if (anchor !== undefined && path.endsWith('.md') && !anchors(resolved).has(anchor))
        broken.push(`${file}: ${target} (no such heading)`)
    }
  }
  assert.deepEqual(broken, [])
})

test('Markdown files named in code exist (a path, or a name the repository holds)', () => {
  const known = new Set(files('**/*.md').map((file) => file.split('/').at(-1)))
  const missing: string[] = []
  for (const file of files('{packages,services,test,bench,scripts,k8s}/**/*.{ts,mjs,yaml,sh}')) {
    const text = readFileSync(join(ROOT, file), 'utf8')
    for (const [name, anchor] of text.matchAll(/[\w./-]*[A-Za-z_]\w*\.md\b(?:#([\w-]+))?/g)) {
      const path = name.split('#')[0] as string
      const base = path.split('/').at(-1) as string
      if (!known.has(base)) missing.push(`${file}: ${name}`)
      else if (anchor !== undefined && existsSync(join(ROOT, path)) && !anchors(join(ROOT, path)).has(anchor))
        missing.push(`${file}: ${name} (no such heading)`)
    }
  }
  assert.deepEqual(missing, [])
})
