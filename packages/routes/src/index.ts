export { DEMO_ROUTE_TABLE, DEMO_TOPOLOGY, LOCAL_DEMO_ENV } from './demo.ts'
export * as errors from './errors.ts'
export {
  loadRouteTable,
  RESERVED_PREFIXES,
  type ResolvedRoute,
  type ResolvedTable,
  resolveRouteTable,
} from './load.ts'
export { type HttpMethod, type RouteEntry, RouteTable } from './schema.ts'
