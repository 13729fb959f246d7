import { Kind, type TSchema } from '@sinclair/typebox'

/**
 * A value of `schema` from the text a person typed (a command-line flag). Only the shape is converted
 * here — "12" to 12, "1,2" to [1, 2], "a=80,b=20" to { a: 80, b: 20 }, "none" to null; whether the value
 * is allowed is the schema's check (rules.ts), so the bounds live in one place. A schema may bring its own
 * reader (`fromText`) for a notation of its own. Text that fits no shape is returned as it is, and the
 * check then rejects it naming the rule.
 */
export function fromText(schema: TSchema, text: string): unknown {
  if (typeof schema.fromText === 'function') return schema.fromText(text)
  const trimmed = text.trim()
  switch (schema[Kind]) {
    case 'Integer':
    case 'Number':
      return /^-?\d+(\.\d+)?$/.test(trimmed) ? Number(trimmed) : text
    case 'Boolean':
      return trimmed === 'true' ? true : trimmed === 'false' ? false : text
    case 'Null':
      return trimmed === 'none' || trimmed === 'null' ? null : text
    case 'Array':
      return trimmed === '' ? [] : trimmed.split(',').map((part) => fromText(schema.items as TSchema, part))
    case 'Object':
      return objectFromText(schema, trimmed)
    case 'Union':
      return unionFromText(schema.anyOf as TSchema[], trimmed)
    default:
      return text
  }
}

/** `key=value,key=value`; keys may be written camelCase or kebab-case. A key the schema lacks: no fit. */
function objectFromText(schema: TSchema, text: string): unknown {
  const properties = (schema.properties ?? {}) as Record<string, TSchema>
  const result: Record<string, unknown> = {}
  for (const part of text.split(',')) {
    const match = /^\s*([\w-]+)\s*=\s*(.*?)\s*$/.exec(part)
    if (!match?.[1]) return text
    const key = match[1].replace(/-([a-z])/g, (_, c: string) => c.toUpperCase())
    const property = properties[key]
    if (!property) return text
    result[key] = fromText(property, match[2] ?? '')
  }
  return result
}

/** The first member the text reads as (numbers before text, so "2" is 2 and "25%" stays "25%"). */
function unionFromText(members: TSchema[], text: string): unknown {
  for (const member of members) {
    if (member[Kind] === 'Literal' && String(member.const) === text) return member.const
  }
  for (const member of members) {
    if (member[Kind] === 'Literal') continue
    const value = fromText(member, text)
    if (value !== text || member[Kind] === 'String' || member[Kind] === 'TemplateLiteral') return value
  }
  return text
}

/** How an option is written on the command line: its schema's `flag`, or its name in kebab-case. */
export function flagOf(option: string, schema: object): string {
  const { flag } = schema as { flag?: unknown }
  return typeof flag === 'string' ? flag : option.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)
}

/** A value as it would be typed (what `fromText` reads back): lists with commas, objects as key=value, null as none. */
export function toText(value: unknown): string {
  if (value === null) return 'none'
  if (Array.isArray(value)) return value.join(',')
  if (typeof value === 'object') {
    return Object.entries(value as Record<string, unknown>)
      .map(([k, v]) => `${k}=${String(v)}`)
      .join(',')
  }
  return String(value)
}
