import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { TestContext } from 'node:test'
import { DEMO_FLAGS_FILE } from '@zdd/flags'

/** A scratch copy of the demo flags file, removed after the test. */
export function demoCopy(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'zdd-flags-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  const file = join(dir, 'flags.json')
  writeFileSync(file, readFileSync(DEMO_FLAGS_FILE, 'utf8'))
  return file
}

/** A flags file with no flags at all (a valid state: every flag off), removed after the test. */
export function emptyFlagsFile(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'zdd-flags-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  const file = join(dir, 'empty.json')
  writeFileSync(file, '{"version":2,"features":[]}\n')
  return file
}

/** Polls until `check` is true or the deadline passes; returns the time it took. */
export async function waitFor(check: () => boolean, deadlineMs: number, stepMs = 20): Promise<number> {
  const start = performance.now()
  while (!check()) {
    if (performance.now() - start > deadlineMs) throw new Error(`condition not met within ${deadlineMs} ms`)
    await new Promise((resolve) => setTimeout(resolve, stepMs))
  }
  return performance.now() - start
}
