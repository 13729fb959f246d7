import { readFileSync, renameSync, writeFileSync } from 'node:fs'
import { foldDelta, isDelta } from './delta.ts'
import { FlagsFileError } from './errors.ts'
import { FlagsDocument, firstError } from './schema.ts'

/**
 * Parses and validates a flags document: a client-features response, full or delta (folded into the full
 * document). The error names the file and the first bad path. No flags at all is a valid document.
 */
export function parseFlags(text: string, source: string): FlagsDocument {
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (err) {
    throw new FlagsFileError(source, `not JSON (${(err as Error).message})`)
  }
  let doc: FlagsDocument
  if (isDelta(json)) {
    try {
      doc = foldDelta(json)
    } catch (err) {
      throw new FlagsFileError(source, (err as Error).message)
    }
  } else {
    const problem = firstError(FlagsDocument, json)
    if (problem) throw new FlagsFileError(source, problem)
    doc = json as FlagsDocument
  }
  const names = new Set<string>()
  for (const feature of doc.features) {
    if (names.has(feature.name)) throw new FlagsFileError(source, `flag "${feature.name}" appears twice`)
    names.add(feature.name)
  }
  const ids = new Set<number>()
  for (const segment of doc.segments ?? []) {
    if (ids.has(segment.id)) throw new FlagsFileError(source, `segment id ${segment.id} appears twice`)
    ids.add(segment.id)
  }
  return doc
}

export function readFlagsFile(path: string): FlagsDocument {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (err) {
    throw new FlagsFileError(path, (err as NodeJS.ErrnoException).code ?? (err as Error).message)
  }
  return parseFlags(text, path)
}

/** Writes next to the target and renames over it, so a watcher never reads half a file. */
export function writeFlagsFile(path: string, doc: FlagsDocument): void {
  const tmp = `${path}.${process.pid}.tmp`
  writeFileSync(tmp, `${JSON.stringify(doc, null, 2)}\n`)
  renameSync(tmp, path)
}
