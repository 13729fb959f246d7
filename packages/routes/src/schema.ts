import { type Static, Type } from '@sinclair/typebox'

const NAME = '^[a-z0-9][a-z0-9-]{0,62}$'

const UpstreamName = Type.String({ pattern: NAME, description: 'an upstream named in "upstreams"' })
const flagName = (description: string) =>
  Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$', description })
const METHODS = ['GET', 'HEAD', 'OPTIONS', 'POST', 'PUT', 'PATCH', 'DELETE'] as const
const Method = Type.Union(
  METHODS.map((method) => Type.Literal(method)),
  { description: `one of ${METHODS.join(', ')}` },
)

export const CanaryRoute = Type.Object(
  {
    flag: flagName('an Unleash flag with a gradual rollout, sticky on userId'),
    upstream: UpstreamName,
  },
  {
    additionalProperties: false,
    description: 'users for whom the flag is on (its gradual-rollout %, sticky per user) go to this upstream',
  },
)

export const ExperimentRoute = Type.Object(
  {
    flag: flagName('an Unleash flag with variants, sticky on userId'),
    variants: Type.Record(Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$' }), UpstreamName, {
      description: 'Unleash variant name → upstream; other variants (and "disabled") use the route upstream',
    }),
  },
  { additionalProperties: false },
)

export const ShadowRoute = Type.Object(
  {
    upstream: UpstreamName,
    flag: Type.Optional(flagName('mirror only while this flag is on for the user')),
    methods: Type.Optional(
      Type.Array(Method, {
        minItems: 1,
        uniqueItems: true,
        description: 'methods mirrored; GET and HEAD by default',
      }),
    ),
    ignore: Type.Optional(
      Type.Array(Type.String({ minLength: 1 }), {
        description: 'top-level JSON fields left out of the comparison (e.g. "version")',
      }),
    ),
  },
  { additionalProperties: false },
)

export const Route = Type.Object(
  {
    name: Type.String({ pattern: NAME, description: 'route name, shown in x-zdd-route and metric labels' }),
    prefix: Type.String({
      pattern: "^(/[A-Za-z0-9._~!$&'()+,;=:@-]+)+$",
      description: 'path prefix matched on segment boundaries, e.g. /api/catalog (no trailing slash)',
    }),
    rewritePrefix: Type.Optional(
      Type.String({
        pattern: "^(/[A-Za-z0-9._~!$&'()+,;=:@-]+)*$",
        description: 'replaces the matched prefix in the upstream path; "" (default) strips it',
      }),
    ),
    upstream: UpstreamName,
    probe: Type.Optional(
      Type.String({
        pattern: '^/[^\\s#]*$',
        description:
          "a gateway path under the prefix that the web page's live panel requests (default: the prefix)",
      }),
    ),
    canary: Type.Optional(CanaryRoute),
    experiment: Type.Optional(ExperimentRoute),
    shadow: Type.Optional(ShadowRoute),
  },
  { additionalProperties: false },
)

export const RouteTable = Type.Object(
  {
    upstreams: Type.Record(
      Type.String({ pattern: NAME }),
      Type.String({
        pattern: '^https?://[^/\\s?#@]+/?$',
        description: 'base URL such as http://127.0.0.1:3001',
      }),
    ),
    routes: Type.Array(Route, { minItems: 1 }),
  },
  { additionalProperties: false },
)

export type RouteTable = Static<typeof RouteTable>
export type RouteEntry = Static<typeof Route>
export type HttpMethod = Static<typeof Method>
