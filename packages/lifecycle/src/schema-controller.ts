import type { FastifyServerOptions } from 'fastify'
import { typeboxSerializerCompiler } from './serialization.ts'
import { typeboxValidatorCompiler } from './validation.ts'

/**
 * Every Fastify server of a service (traffic and management) compiles route schemas with TypeBox. Given as
 * the schema controller's factories, not with setValidatorCompiler() after the server exists: Fastify
 * creates its Ajv-based compilers (Ajv, its formats, fast-json-stringify) when a server is created unless
 * these factories are given, and that was about 3 ms of every start (bench/RESULTS.md, start-up).
 */
type Factories = NonNullable<NonNullable<FastifyServerOptions['schemaController']>['compilersFactory']>

// Fastify types the factories for Ajv's schemas (any JSON schema, or a boolean); a service's route schemas are
// TypeBox schemas, which is what these compilers take.
export const schemaController: NonNullable<FastifyServerOptions['schemaController']> = {
  compilersFactory: {
    buildValidator: (() => typeboxValidatorCompiler) as unknown as Factories['buildValidator'],
    buildSerializer: (() => typeboxSerializerCompiler) as unknown as Factories['buildSerializer'],
  },
}
