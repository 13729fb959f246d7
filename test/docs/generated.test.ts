import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { test } from 'node:test'
import { GENERATED, regenerate } from '../../scripts/docs/tables.ts'

const root = new URL('../../', import.meta.url)

for (const target of GENERATED) {
  test(`${target.file}: the ${target.name} table is the schema's (node scripts/docs.ts rewrites it)`, () => {
    const text = readFileSync(new URL(target.file, root), 'utf8')
    assert.equal(text, regenerate(text, target))
  })
}
