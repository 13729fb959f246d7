import { flagOf, VerifyOptionsSchema } from './options.ts'

/** The options as a Markdown table, from the schema: the README's copy is checked against this. */
export function optionsTable(): string {
  const rows = Object.entries(VerifyOptionsSchema.properties).map(([name, schema]) => {
    const fallback = schema.default === '' ? '(none)' : `\`${String(schema.default)}\``
    const bounds =
      'minimum' in schema && 'maximum' in schema
        ? ` (${String(schema.minimum)}–${String(schema.maximum)})`
        : ''
    return [`\`--${flagOf(name)}\``, fallback, `${String(schema.description)}${bounds}`]
  })
  return table([['flag', 'default', 'meaning'], ...rows])
}

/** Columns padded to their widest cell, as the repository's formatter writes Markdown tables. */
function table(rows: string[][]): string {
  const widths =
    rows[0]?.map((_, column) => Math.max(3, ...rows.map((row) => (row[column] ?? '').length))) ?? []
  const line = (cells: string[]) => `| ${cells.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join(' | ')} |`
  const [head = [], ...body] = rows
  return [line(head), line(widths.map((width) => '-'.repeat(width))), ...body.map(line)].join('\n')
}

export const TABLE_START = '<!-- options: generated from the schema by `node scripts/docs.ts` -->'
export const TABLE_END = '<!-- /options -->'
