import { type TObject, type TProperties, Type } from '@sinclair/typebox'
import { LifecycleEnv } from './config.ts'

/** A service's environment schema: LifecycleEnv plus its own fields, one schema, the type derived from it. */
export function serviceEnv<P extends TProperties>(props: P): TObject<typeof LifecycleEnv.properties & P> {
  return Type.Object({ ...LifecycleEnv.properties, ...props }) as TObject<typeof LifecycleEnv.properties & P>
}
