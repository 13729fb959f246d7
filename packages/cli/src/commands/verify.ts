import { existsSync } from 'node:fs'
import { writeFile } from 'node:fs/promises'
import { layout } from '@zdd/cluster'
import {
  CommandNotStartedError,
  CommandWithClusterError,
  flagOf,
  InvalidVerifyOptionsError,
  type KubectlTarget,
  parseVerifyOptions,
  renderHtml,
  renderText,
  VerifyOptionsSchema,
  verify as verifyCommand,
} from '@zdd/verify'
import { type FlagSpec, parseFlags, usage } from '../args.ts'
import { UsageError } from '../errors.ts'

/** The flags, their help and defaults, derived from the verify options' schema; then the report outputs. */
const SPEC: FlagSpec = {
  ...Object.fromEntries(
    Object.entries(VerifyOptionsSchema.properties).map(([name, schema]) => [
      flagOf(name),
      {
        type: schema.type === 'boolean' ? ('boolean' as const) : ('string' as const),
        description: String(schema.description),
        default: schema.type === 'boolean' || schema.default === '' ? undefined : String(schema.default),
      },
    ]),
  ),
  json: { type: 'string', description: 'write the report as JSON to this file' },
  html: { type: 'string', description: 'write the report as a page to this file' },
  help: { type: 'boolean', description: 'this text' },
}

const ABOUT = `Runs COMMAND (any language) the way Kubernetes runs a pod's container, rolls it under load and reports
whether it is safe behind a rolling update. PORT and MANAGEMENT_PORT are in its environment.
With --cluster DEPLOYMENT instead of a command: kubectl rollout restart of that Deployment under load through its
Service, every request counted (kubectl from KUBECONFIG, or the cluster of \`zdd cluster up\`).
Exit codes: 0 every check passed, 3 a check failed, 2 usage error.`

/**
 * kubectl for --cluster: the user's (KUBECONFIG, or kubectl's default) when set; otherwise, when `zdd cluster up`
 * runs here, that cluster's kubectl and admin kubeconfig.
 */
function kubectlTarget(): KubectlTarget {
  const local = layout()
  if (
    process.env.KUBECONFIG === undefined &&
    existsSync(local.kubeconfig) &&
    existsSync(`${local.bin}/kubectl`)
  )
    return { command: `${local.bin}/kubectl`, env: { ...process.env, KUBECONFIG: local.kubeconfig } }
  return { command: 'kubectl', env: process.env }
}

/** `zdd verify [options] -- COMMAND [ARGS…]`, or `zdd verify --cluster DEPLOYMENT [options]` */
export async function verify(args: string[]): Promise<number> {
  const split = args.indexOf('--')
  const flagArgs = split === -1 ? args : args.slice(0, split)
  const command = split === -1 ? [] : args.slice(split + 1)
  const flags = parseFlags(flagArgs, SPEC)
  if (flags.help) {
    process.stdout.write(
      `${usage('verify', SPEC).replace('[options]', '[options] -- COMMAND [ARGS…]')}\n\n${ABOUT}\n`,
    )
    return 0
  }
  if (command.length === 0 && flags.cluster === undefined)
    throw new UsageError(
      'give the command to verify after `--` (e.g. zdd verify -- node server.js), or a Deployment with --cluster',
    )
  const raw = Object.fromEntries(
    Object.keys(VerifyOptionsSchema.properties)
      .filter((name) => flags[flagOf(name)] !== undefined)
      .map((name) => [name, flags[flagOf(name)]]),
  )
  let options: ReturnType<typeof parseVerifyOptions>
  try {
    options = parseVerifyOptions(raw)
  } catch (err) {
    if (err instanceof InvalidVerifyOptionsError) throw new UsageError((err as Error).message)
    throw err
  }
  const report = await verifyCommand(command, options, {
    progress: (line) => process.stderr.write(`zdd verify: ${line}\n`),
    kubectl: kubectlTarget(),
  }).catch((err: Error) => {
    // A command that cannot start, or a command beside --cluster: the user named something that is not there.
    if (err instanceof CommandNotStartedError || err instanceof CommandWithClusterError)
      throw new UsageError(`${(err as Error & { code: string }).code}: ${err.message}`)
    throw err
  })
  process.stdout.write(`${renderText(report)}\n`)
  if (typeof flags.json === 'string') {
    await writeFile(flags.json, `${JSON.stringify(report, null, 2)}\n`)
    process.stdout.write(`report written to ${flags.json}\n`)
  }
  if (typeof flags.html === 'string') {
    await writeFile(flags.html, renderHtml(report))
    process.stdout.write(`HTML report written to ${flags.html}\n`)
  }
  return report.passed ? 0 : 3
}
