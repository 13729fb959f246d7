import { Kind, OptionalKind, type TSchema } from '@sinclair/typebox'
import { Value } from '@sinclair/typebox/value'
import { InvalidOptionError } from '../errors.ts'

/** One option that breaks its schema: its name (dotted for nested fields), the rule in words, the value. */
export interface Problem {
  option: string
  rule: string
  got: unknown
}

/**
 * What a value of this schema must be, in words. A schema may say it itself (`rule`); otherwise it is
 * made from the schema's type and bounds, so the message and the check can never disagree.
 */
export function ruleOf(schema: TSchema): string {
  if (typeof schema.rule === 'string') return schema.rule
  switch (schema[Kind]) {
    case 'Integer':
      return `must be a whole number from ${schema.minimum ?? 0} to ${schema.maximum ?? '∞'}`
    case 'Number':
      return `must be a number from ${schema.minimum ?? 0} to ${schema.maximum ?? '∞'}`
    case 'Boolean':
      return 'must be true or false'
    case 'Literal':
      return `must be ${String(schema.const)}`
    case 'Union':
      return `must be ${(schema.anyOf as TSchema[]).map((s) => ('const' in s ? String(s.const) : ruleOf(s).replace(/^must be /, ''))).join(' or ')}`
    case 'Array':
      return `must be ${schema.rising ? 'rising ' : ''}values that each ${ruleOf(schema.items as TSchema).replace(/^must /, '')}${schema.minItems ? `, at least ${schema.minItems}` : ''}`
    default:
      return 'has the wrong type'
  }
}

export function isOptional(schema: TSchema): boolean {
  return schema[OptionalKind] === 'Optional'
}

/**
 * Every property of `value` checked against the object schema `schema`: missing required ones, unknown
 * ones, and each that breaks its rule (arrays marked `rising` must strictly increase). All problems at once.
 */
export function problemsOf(schema: TSchema, value: Record<string, unknown>, prefix = ''): Problem[] {
  const properties = (schema.properties ?? {}) as Record<string, TSchema>
  const problems: Problem[] = []
  for (const [key, property] of Object.entries(properties)) {
    const got = value[key]
    const option = `${prefix}${key}`
    if (got === undefined) {
      if (!isOptional(property)) problems.push({ option, rule: `is required: it ${ruleOf(property)}`, got })
      continue
    }
    if (
      property[Kind] === 'Object' &&
      property.rule === undefined &&
      typeof got === 'object' &&
      got !== null
    ) {
      problems.push(...problemsOf(property, got as Record<string, unknown>, `${option}.`))
      continue
    }
    if (!Value.Check(property, got) || (property.rising === true && !rising(got))) {
      problems.push({ option, rule: ruleOf(property), got })
    }
  }
  for (const key of Object.keys(value)) {
    if (!(key in properties) && !(prefix === '' && key === 'kind')) {
      problems.push({
        option: `${prefix}${key}`,
        rule: `is not an option here; known: ${Object.keys(properties).join(', ')}`,
        got: value[key],
      })
    }
  }
  return problems
}

function rising(value: unknown): boolean {
  return Array.isArray(value) && value.every((v, i) => i === 0 || (v as number) > (value[i - 1] as number))
}

/** The one error for every problem found, each "<option> <rule> (got <value>)"; `problems` keeps them apart. */
export function invalidOptions(problems: readonly Problem[]): Error & { problems: readonly Problem[] } {
  const text = problems.map((p) => `${p.option} ${p.rule} (got ${show(p.got)})`).join('; ')
  return Object.assign(new InvalidOptionError(text), { problems })
}

export function invalidOption(option: string, rule: string, got: unknown): Error {
  return invalidOptions([{ option, rule, got }])
}

function show(value: unknown): string {
  return value === undefined ? 'nothing' : JSON.stringify(value)
}
