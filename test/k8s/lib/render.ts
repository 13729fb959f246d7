// Renders a kustomization the way users apply it (`kubectl apply -k` = kubectl's built-in kustomize),
// offline, and parses the multi-document YAML it prints.
import { execFile } from 'node:child_process'
import { readFile } from 'node:fs/promises'
import { promisify } from 'node:util'
import { parseAllDocuments } from 'yaml'
import { isDict, type K8sObject } from './objects.ts'

const run = promisify(execFile)

/** The pinned kubectl: 1.32 with kustomize v5.5 on these machines. `KUBECTL=/path` overrides it. */
export const KUBECTL = process.env.KUBECTL ?? '/usr/bin/kubectl'

export async function kubectlVersion(): Promise<string> {
  const { stdout } = await run(KUBECTL, ['version', '--client'], { timeout: 30_000 })
  return stdout.trim()
}

export interface Rendered {
  objects: K8sObject[]
  ms: number
}

export async function render(dir: string): Promise<Rendered> {
  const started = performance.now()
  let stdout: string
  try {
    ;({ stdout } = await run(KUBECTL, ['kustomize', dir], { timeout: 60_000, maxBuffer: 32 * 1024 * 1024 }))
  } catch (err) {
    const { stderr } = err as { stderr?: string }
    throw new Error(`kubectl kustomize ${dir} failed: ${stderr?.trim() || (err as Error).message}`)
  }
  const ms = performance.now() - started
  return { objects: parseObjects(stdout, dir), ms }
}

/**
 * Renders many kustomizations, a few kubectl processes at a time (each render is a short CPU-bound process;
 * the fixtures are many). Every promise settles on its own, so one failing render fails only its test.
 */
export function renderAll(dirs: string[], concurrency = 3): Map<string, Promise<Rendered>> {
  const queue = [...dirs]
  const started = new Map<string, { resolve: (r: Rendered) => void; reject: (err: unknown) => void }>()
  const results = new Map<string, Promise<Rendered>>()
  for (const dir of dirs) {
    const result = new Promise<Rendered>((resolve, reject) => started.set(dir, { resolve, reject }))
    // Failures surface where a test awaits the render, not as an unhandled rejection before that.
    result.catch(() => {})
    results.set(dir, result)
  }
  const worker = async () => {
    for (let dir = queue.shift(); dir !== undefined; dir = queue.shift()) {
      const settle = started.get(dir)!
      await render(dir).then(settle.resolve, settle.reject)
    }
  }
  for (let i = 0; i < concurrency; i++) void worker()
  return results
}

/** Plain YAML fixtures, for mistakes kustomize itself would not let through. */
export async function readObjects(file: string): Promise<K8sObject[]> {
  return parseObjects(await readFile(file, 'utf8'), file)
}

export function parseObjects(text: string, source: string): K8sObject[] {
  const objects: K8sObject[] = []
  for (const doc of parseAllDocuments(text)) {
    if (doc.errors.length > 0) throw new Error(`${source}: YAML error: ${doc.errors[0]?.message}`)
    const value: unknown = doc.toJS()
    if (value === null || value === undefined) continue
    if (!isDict(value)) throw new Error(`${source}: a document is not a mapping`)
    objects.push(value as K8sObject)
  }
  return objects
}
