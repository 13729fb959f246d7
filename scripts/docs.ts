// Rewrites the generated tables of the docs from their schemas (scripts/docs/tables.ts): `node scripts/docs.ts`.
import { readFileSync, writeFileSync } from 'node:fs'
import { GENERATED, regenerate } from './docs/tables.ts'

const root = new URL('..', import.meta.url)
for (const target of GENERATED) {
  const file = new URL(target.file, root)
  writeFileSync(file, regenerate(readFileSync(file, 'utf8'), target))
  console.log(`${target.file}: ${target.name} table rewritten`)
}
