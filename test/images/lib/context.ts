// The Docker build context: the repo root minus what .dockerignore excludes, copied to a scratch folder so
// the recipe runs on exactly what `docker build .` would send. Patterns are matched with path.matchesGlob
// against paths relative to the root; an excluded directory takes its contents with it, as in Docker. The
// `!` re-include form is not supported here (the file does not use it): it is rejected, not ignored.
import { cpSync, readFileSync } from 'node:fs'
import { matchesGlob, relative, sep } from 'node:path'

export const ROOT = new URL('../../../', import.meta.url).pathname.replace(/\/$/, '')

export function dockerignorePatterns(root = ROOT): string[] {
  return readFileSync(`${root}/.dockerignore`, 'utf8')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((pattern) => {
      if (pattern.startsWith('!'))
        throw new Error(`.dockerignore: "${pattern}": re-includes are not handled by test/images`)
      return pattern.replace(/^\/+/, '').replace(/\/+$/, '')
    })
}

/** True when `.dockerignore` keeps `path` (relative to the root, `/`-separated) out of the context: the path
 * itself or a folder above it matches. */
export function ignored(path: string, patterns: readonly string[]): boolean {
  const parts = path.split('/')
  return parts.some((_, i) => {
    const prefix = parts.slice(0, i + 1).join('/')
    return patterns.some((pattern) => matchesGlob(prefix, pattern))
  })
}

/** Copies the build context of `root` into `dest`; returns the number of entries copied. */
export function copyContext(dest: string, root = ROOT): number {
  const patterns = dockerignorePatterns(root)
  let entries = 0
  cpSync(root, dest, {
    recursive: true,
    verbatimSymlinks: true,
    filter: (src) => {
      const rel = relative(root, src).split(sep).join('/')
      if (rel === '') return true
      if (ignored(rel, patterns)) return false
      entries++
      return true
    },
  })
  return entries
}
