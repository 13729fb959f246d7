import { setTimeout as sleep } from 'node:timers/promises'
import { Api, readClusterRollout, sendClusterCommand } from '@zdd/cluster'
import {
  OPERATOR_COMMANDS,
  type OperatorCommand,
  type RolloutState,
  readRolloutState,
  rolloutStateDir,
  sendRolloutCommand,
} from '@zdd/rollout'
import { type FlagSpec, intFlag, parseFlags, usage } from '../args.ts'
import { NoRolloutError, RolloutCommandError, UsageError } from '../errors.ts'
import { formatState, publisherAlive } from './canary-status.ts'
import { demo } from './demo.ts'

const SPEC: FlagSpec = {
  app: { type: 'string', description: 'the app whose rollout to show or steer', default: 'catalog' },
  'state-dir': {
    type: 'string',
    description: 'where rollouts publish their state',
    default: '$ZDD_STATE_DIR/rollouts or <tmp>/zdd-rollouts',
  },
  cluster: {
    type: 'boolean',
    description: 'the rollout on the local cluster (state: annotations of deployment/<app>-canary)',
  },
  watch: { type: 'boolean', description: 'status: redraw as the state changes' },
  json: { type: 'boolean', description: 'status: the state as JSON' },
  'timeout-ms': {
    type: 'string',
    description: 'pause|resume|promote|abort: how long to wait for the rollout to act',
    default: '60000',
  },
  help: { type: 'boolean', description: 'this text' },
}

const HELP = `Usage:
  zdd canary start [demo options]      run a progressive rollout (as zdd demo progressive [--cluster] --help)
  zdd canary status [--watch] [--json] the step, weights, last analysis with its numbers, what it waits for
  zdd canary pause|resume|promote|abort
                                       steer the rollout from any terminal; waits until it acted

The rollout publishes its state after every step and every look, and takes a command at its next check
(every 200 ms while it waits between looks): another terminal or a restarted CLI sees and steers the same
rollout. Exit codes: 0 done, 2 usage, 6 the rollout cannot take that command now.

${usage('canary', SPEC).split('\n').slice(2).join('\n')}`

/** Where rollouts' state is read and commands are left: the harness's files, or the cluster's annotations. */
interface Store {
  where: string
  read(): Promise<RolloutState | undefined>
  send(command: OperatorCommand, by: string): Promise<void>
  close(): void
}

const NAMESPACE = 'zdd'

function fileStore(dir: string, app: string): Store {
  return {
    where: dir,
    read: () => readRolloutState(dir, app),
    send: (command, by) => sendRolloutCommand(dir, app, command, by),
    close() {},
  }
}

function clusterStore(app: string): Store {
  const api = new Api()
  const deployment = `${app}-canary`
  return {
    where: `the annotations of deployment/${deployment} in namespace ${NAMESPACE}`,
    read: () => readClusterRollout(api, NAMESPACE, deployment),
    send: (command, by) => sendClusterCommand(api, NAMESPACE, deployment, command, by),
    close: () => api.close(),
  }
}

/** What each command must lead to, for the CLI to say it took effect. */
const EFFECT: Record<OperatorCommand, (s: RolloutState) => boolean> = {
  pause: (s) => s.phase === 'paused',
  resume: (s) => s.phase !== 'paused',
  promote: (s) => s.phase === 'promoting' || s.phase === 'promoted',
  abort: (s) => s.phase === 'aborted',
}

export async function canary(args: string[]): Promise<number> {
  const [action, ...rest] = args
  if (action === 'start') return demo(['progressive', ...rest])
  const flags = parseFlags(rest, SPEC)
  if (flags.help || action === undefined || action === 'help') {
    process.stdout.write(`${HELP}\n`)
    return action === undefined ? 2 : 0
  }
  const app = typeof flags.app === 'string' ? flags.app : 'catalog'
  if (action !== 'status' && !(OPERATOR_COMMANDS as readonly string[]).includes(action))
    throw new UsageError(
      `unknown canary command "${action}" (start, status, ${OPERATOR_COMMANDS.join(', ')})`,
    )
  const timeoutMs = intFlag(flags, 'timeout-ms', 60_000, 100, 3_600_000)
  const store =
    flags.cluster === true
      ? clusterStore(app)
      : fileStore(typeof flags['state-dir'] === 'string' ? flags['state-dir'] : rolloutStateDir(), app)
  try {
    if (action === 'status') return await status(store, app, flags.watch === true, flags.json === true)
    return await steer(store, app, action as OperatorCommand, timeoutMs)
  } finally {
    store.close()
  }
}

async function current(store: Store, app: string): Promise<RolloutState> {
  const state = await store.read()
  if (!state) throw new NoRolloutError(app, store.where)
  return state
}

async function status(store: Store, app: string, watch: boolean, json: boolean): Promise<number> {
  const show = (state: RolloutState) => (json ? `${JSON.stringify(state)}\n` : `${formatState(state)}\n`)
  let state = await current(store, app)
  process.stdout.write(show(state))
  if (!watch) return 0
  let last = state.updatedAtMs
  const done = (s: RolloutState) => s.phase === 'promoted' || s.phase === 'aborted' || !publisherAlive(s)
  while (!done(state)) {
    await sleep(250)
    state = await current(store, app)
    if (state.updatedAtMs === last) continue
    last = state.updatedAtMs
    process.stdout.write(json ? show(state) : `\n${show(state)}`)
  }
  return 0
}

/** Why `command` cannot apply to a rollout in `state` now, if it cannot. */
function refusal(command: OperatorCommand, state: RolloutState): string | undefined {
  if (state.phase === 'promoted' || state.phase === 'aborted') return `it is already ${state.phase}`
  if (!publisherAlive(state))
    return `its process (pid ${state.pid}) has ended; its last state was ${state.phase}`
  if (command === 'pause' && state.phase === 'paused') return 'it is already paused'
  if (command === 'resume' && state.phase !== 'paused') return `it is ${state.phase}, not paused`
  if (state.phase === 'promoting' && command !== 'abort') return 'it is being promoted'
  return undefined
}

async function steer(
  store: Store,
  app: string,
  command: OperatorCommand,
  timeoutMs: number,
): Promise<number> {
  const before = await current(store, app)
  const why = refusal(command, before)
  if (why) {
    process.stderr.write(`${new RolloutCommandError(command, app, why).message}\n`)
    return 6
  }
  const by = `zdd canary ${command} (pid ${process.pid})`
  const sentAt = Date.now()
  await store.send(command, by)
  for (;;) {
    const state = await current(store, app)
    if (state.lastCommand?.by === by && EFFECT[command](state)) {
      process.stdout.write(
        `${command}: taken after ${Date.now() - sentAt} ms; now ${state.phase}${state.reason ? ` (${state.reason})` : ''}\n`,
      )
      return 0
    }
    if (Date.now() - sentAt > timeoutMs || !publisherAlive(state)) {
      process.stderr.write(
        `${new RolloutCommandError(command, app, `it did not act within ${timeoutMs} ms (state: ${state.phase}, ${state.waitingFor})`).message}\n`,
      )
      return 6
    }
    await sleep(100)
  }
}
