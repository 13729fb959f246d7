import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { test } from 'node:test'
import { optionsTable, TABLE_END, TABLE_START } from '../src/options-table.ts'

test("the README's options table is the schema's (node scripts/docs.ts rewrites it)", () => {
  const text = readFileSync(new URL('../README.md', import.meta.url), 'utf8')
  const start = text.indexOf(TABLE_START)
  const end = text.indexOf(TABLE_END)
  assert.ok(start !== -1 && end !== -1, 'the README has the table markers')
  assert.equal(text.slice(start + TABLE_START.length, end).trim(), optionsTable())
})
