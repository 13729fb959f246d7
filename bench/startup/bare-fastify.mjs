// Calibration for the start-up figures: the least a Fastify service with a management port can do on this
// machine at this moment. Traffic on PORT, `/readyz` on MANAGEMENT_PORT, nothing else. Plain JavaScript, as
// the services' built output is: a .ts file would make Node load its type stripper (amaro), whose start-up
// time and memory would be counted as Fastify's.
import Fastify from 'fastify'

const app = Fastify()
const management = Fastify()
app.get('/', async () => ({ ok: true }))
management.get('/readyz', async () => ({ status: 'ready' }))
await management.listen({ port: Number(process.env.MANAGEMENT_PORT), host: '127.0.0.1' })
await app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' })
process.once('SIGTERM', () => void Promise.all([app.close(), management.close()]).then(() => process.exit(0)))
