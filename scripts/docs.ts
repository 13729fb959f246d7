// Rewrites the generated parts of the docs from their schemas: `node scripts/docs.ts`. A test fails when a
// README's copy differs from what this would write.
import { readFileSync, writeFileSync } from 'node:fs'
import { optionsTable, TABLE_END, TABLE_START } from '../packages/verify/src/options-table.ts'

const file = new URL('../packages/verify/README.md', import.meta.url)
const text = readFileSync(file, 'utf8')
const start = text.indexOf(TABLE_START)
const end = text.indexOf(TABLE_END)
if (start === -1 || end === -1)
  throw new Error(`${file.pathname}: the markers ${TABLE_START} … ${TABLE_END} are missing`)
writeFileSync(file, `${text.slice(0, start + TABLE_START.length)}\n${optionsTable()}\n${text.slice(end)}`)
console.log(`${file.pathname}: options table rewritten`)
