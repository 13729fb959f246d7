// close-with-grace 2.5.0, wired as its README's "Example with Fastify":
//
//   closeWithGrace(async function ({ signal, err, manual }) {
//     if (err) { app.log.error({ err }, 'server closing with error') } else { app.log.info(`${signal} received, server closing`) }
//     await app.close()
//   })
//
// Its only knob, `delay` ("the numbers of milliseconds before abruptly close the process. Default: 10000"),
// is a kill timeout, not a delay before closing; the example leaves it at its default, and so do we. It has
// no readiness: `/healthz` is the always-200 endpoint typical in the wild.
import closeWithGrace from 'close-with-grace'
import { createApp, naiveHealth, readEnv } from './app.ts'

const env = readEnv()
const app = createApp('close-with-grace', env)
naiveHealth(app)

closeWithGrace(async ({ err }) => {
  if (err) app.log.error({ err }, 'server closing with error')
  await app.close()
})

await app.listen({ port: env.port, host: env.host })
