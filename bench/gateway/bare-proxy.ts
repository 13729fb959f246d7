// The Node baseline: a bare @fastify/http-proxy in front of the catalog, as in its README's example
// (Fastify defaults, no logger, the plugin's default undici pool), `/plain/*` → UPSTREAM `/*`. No flags, no
// metrics, no route decisions: what any Fastify proxy costs at the least.
import proxy from '@fastify/http-proxy'
import Fastify from 'fastify'

const upstream = process.env.UPSTREAM
if (!upstream) throw new Error('UPSTREAM is required, e.g. http://127.0.0.1:3001')
const app = Fastify()
await app.register(proxy, { upstream, prefix: '/plain' })
await app.listen({ port: Number(process.env.PORT ?? 3100), host: '127.0.0.1' })
process.once('SIGTERM', () => void app.close().then(() => process.exit(0)))
