import type { TSchema } from '@sinclair/typebox'
import { Value } from '@sinclair/typebox/value'
import type { FastifySerializerCompiler } from 'fastify'

/**
 * Response schemas are TypeBox schemas, so TypeBox applies them: Fastify's default serializer compiler
 * (fast-json-stringify) loads Ajv when a server is created, whether or not any route has a response schema
 * (bench/RESULTS.md, start-up). What a response schema is for is kept: only the fields it declares leave the
 * service. The payload goes through JSON first (so `toJSON()`, e.g. a Date's, applies as usual), TypeBox
 * removes what the schema does not declare, then it is serialized. Unlike fast-json-stringify, values are not
 * coerced to the schema's types (a number stays a number where the schema says string), and it is not
 * faster than JSON.stringify: it is a filter, for routes that return objects with fields the client must not
 * see.
 */
export const typeboxSerializerCompiler: FastifySerializerCompiler<TSchema> =
  ({ schema }) =>
  (data: unknown) =>
    JSON.stringify(Value.Clean(schema, JSON.parse(JSON.stringify(data) ?? 'null')))
