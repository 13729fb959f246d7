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
