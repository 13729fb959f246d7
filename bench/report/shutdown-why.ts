import type { LossKind } from '../shutdown/run.ts'

/**
 * Why each variant loses what it loses: one sentence per kind of loss, keyed to the kinds the run measured
 * (a kind that did not occur is not explained). Each names the mechanism in the library's code or in
 * Node/Fastify, so the reader can check it.
 */
const CLOSES_AT_SIGTERM =
  'it closes the listener at SIGTERM, while the Service keeps sending new connections to the pod until the endpoint removal has propagated: those connections are refused'
const IDLE_DESTROYED =
  "Fastify's `close()` destroys idle keep-alive sockets at once (nodejs/node#20256): a request the client writes on one at that moment is reset"
const FASTIFY_503 =
  "requests that arrive on keep-alive connections still open after `close()` are answered 503 (Fastify's default `return503OnClosing`), because nothing told those clients to reconnect elsewhere (no `Connection: close`)"

export const WHY: Record<
  string,
  { summary: string; kinds: Partial<Record<LossKind, string>>; none: string }
> = {
  naive: {
    summary: 'No delay, no readiness, `app.close()` at SIGTERM: the control.',
    kinds: { refused: `${CLOSES_AT_SIGTERM}.`, reset: `${IDLE_DESTROYED}.`, http_5xx: `${FASTIFY_503}.` },
    none: 'lost nothing here, which the control should not: the run did not stress the shutdown (check the load).',
  },
  'close-with-grace': {
    summary:
      'Its `delay` is a kill timeout ("the numbers of milliseconds before abruptly close the process"), not a delay before closing, and it has no readiness: on SIGTERM it runs `app.close()` at once, exactly like the control.',
    kinds: {
      refused: `Like the control, ${CLOSES_AT_SIGTERM}.`,
      reset: `${IDLE_DESTROYED}.`,
      http_5xx: `${FASTIFY_503}.`,
    },
    none: 'lost nothing in these cells.',
  },
  'fastify-graceful-shutdown': {
    summary:
      'It runs its handlers and then `fastify.close()` at SIGTERM: no delay knob, no readiness, so it behaves like the control.',
    kinds: {
      refused: `Like the control, ${CLOSES_AT_SIGTERM}.`,
      reset: `${IDLE_DESTROYED}.`,
      http_5xx: `${FASTIFY_503}.`,
    },
    none: 'lost nothing in these cells.',
  },
  'http-terminator': {
    summary:
      '`terminate()` starts at SIGTERM (it has no delay knob and handles no signal itself): it destroys every socket without a request in flight and, while it waits for the busy ones, destroys every new connection (`server.on("connection", … socket.destroy())`), then closes the listener.',
    kinds: {
      reset:
        'The Service keeps routing new connections to the pod during propagation and http-terminator destroys each of them as it is accepted, and it destroys idle keep-alive sockets a client may be writing on: those requests are reset.',
      refused:
        'When the busy sockets are done (or `gracefulTerminationTimeout` ran out) it closes the listener, and the connections the Service still sends to the pod until the removal has propagated are refused.',
      http_5xx:
        'Some requests were answered 5xx: it sets `Connection: close` only on responses in flight, so a request racing the shutdown can meet a closing Fastify.',
    },
    none: 'lost nothing in these cells.',
  },
  lightship: {
    summary:
      '`shutdownDelay` keeps the listener open while routers catch up, and `/ready` fails at once; but during the delay nothing tells keep-alive clients to leave (no `Connection: close`), so when the shutdown handler finally runs `app.close()`, the connections opened before SIGTERM are still on the pod.',
    kinds: {
      http_5xx: `At \`app.close()\` ${FASTIFY_503.replace('requests that arrive on keep-alive connections still open after `close()` are answered 503', 'requests on those connections are answered 503')}.`,
      reset: `${IDLE_DESTROYED}.`,
      refused:
        'Where the propagation delay exceeds `shutdownDelay` (SHUTDOWN_DELAY_MS), the listener closes while the Service still routes new connections to the pod: refused.',
      timeout:
        'Some requests timed out: the process was still draining when its shutdown handler timeout (5 s) ended it.',
    },
    none: 'lost nothing in these cells.',
  },
  terminus: {
    summary:
      'The `beforeShutdown` sleep keeps serving while routers catch up and `/healthcheck` answers 503; then `stoppable` closes the listener, ends idle sockets (FIN) and busy ones right after their response, without `Connection: close`, and destroys what is left after `timeout` (1 s).',
    kinds: {
      reset:
        'A client that sends its next request on a keep-alive socket just as stoppable ends it (it was never told `Connection: close`) gets a reset.',
      refused:
        'Where the propagation delay exceeds the `beforeShutdown` sleep (SHUTDOWN_DELAY_MS), the listener closes while the Service still routes new connections to the pod: refused.',
      http_5xx: 'Some requests were answered 5xx during the shutdown.',
      timeout: 'Some requests timed out: sockets still busy after `timeout` (1 s) were destroyed.',
    },
    none: 'lost nothing in these cells.',
  },
  'zdd-lifecycle': {
    summary:
      'On SIGTERM `/readyz` fails and every response carries `Connection: close`, so keep-alive clients reconnect (through the Service) before the listener closes. It keeps serving for at least SHUTDOWN_DELAY_MS and then until no new connection or request has arrived for SHUTDOWN_QUIET_MS (1 s): while the Service still routes new connections to the pod, they keep arriving, so the pod stays as long as the propagation lasts, without knowing it in advance. Keep-alive sockets idle for a whole quiet period are closed while the listener still accepts. Then it closes without 503s (`return503OnClosing: false`), reaps idle sockets every 250 ms and waits for requests in flight.',
    kinds: {
      refused:
        'Some connections were refused: the Service routed a new connection to the pod after a quiet period of SHUTDOWN_QUIET_MS had passed with none arriving (a gap in arrivals longer than the quiet period, while propagation was still under way).',
      reset:
        'Some requests were reset: a client wrote on a socket the reaper closed, or the Service still routed to the pod after it exited.',
      http_5xx: 'Some requests were answered 5xx.',
      timeout: 'Some requests timed out.',
    },
    none: 'lost nothing in any of these cells.',
  },
  'zdd-lifecycle-defaults': {
    summary:
      'The same package started with no SHUTDOWN_* variable: no least delay, so the drain is the quiet period alone (serve until no new connection or request has arrived for 1 s, at most SHUTDOWN_TIMEOUT_MS − REQUEST_TIMEOUT_MS = 15 s). Its time to exit follows the propagation delay of the cell: that is the cost of waiting, paid only while traffic still arrives.',
    kinds: {
      refused:
        'Some connections were refused: the Service routed a new connection to the pod after a second with none arriving, while propagation was still under way.',
      reset:
        'Some requests were reset: a client wrote on a socket the reaper closed, or the Service still routed to the pod after it exited.',
      http_5xx: 'Some requests were answered 5xx.',
      timeout: 'Some requests timed out.',
    },
    none: 'lost nothing in any of these cells.',
  },
}
