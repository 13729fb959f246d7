import { type ChildProcess, spawn } from 'node:child_process'
import { once } from 'node:events'
import { createWriteStream } from 'node:fs'
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { freePort } from '@zdd/ports'
import { API_SERVER_URL } from '../components.ts'
import { TraefikStartError } from '../errors.ts'
import { layout } from '../layout.ts'
import type { ClusterContext } from '../scenarios/context.ts'
import { ensureTraefik, TRAEFIK_VERSION, traefikModuleDir } from './build.ts'

/** The port of Traefik's `web` entry point: k8s/overlays/canary-gateway-api's Gateway listens on it. */
export const TRAEFIK_WEB_PORT = 8000

/** The RBAC of each provider, from Traefik's own docs in its pinned module, with the accounts they name. */
const PROVIDERS = [
  {
    flag: 'kubernetescrd',
    rbac: 'docs/content/reference/dynamic-configuration/kubernetes-crd-rbac.yml',
    account: 'traefik-ingress-controller',
  },
  {
    flag: 'kubernetesgateway',
    rbac: 'docs/content/reference/dynamic-configuration/kubernetes-gateway-rbac.yml',
    account: 'traefik-controller',
  },
] as const

const GATEWAY_CLASS = `apiVersion: gateway.networking.k8s.io/v1
kind: GatewayClass
metadata:
  name: traefik
spec:
  controllerName: traefik.io/gateway-controller
`

export interface Traefik {
  /** http://127.0.0.1:8000: the `web` entry point, where the IngressRoute and the Gateway listen. */
  readonly web: string
  /** Its API and dashboard (`--api.insecure` on 127.0.0.1 only): the routers and services it runs now. */
  readonly api: string
  readonly logFile: string
  stop(): Promise<void>
}

/**
 * Traefik on this machine as the cluster's edge router, the way kube-proxy runs: a host process that
 * watches the API server (its CRD provider for IngressRoute / TraefikService, its Gateway API provider
 * for the `traefik` GatewayClass's Gateways and HTTPRoutes, both on `namespace`) and proxies to the pods'
 * addresses. Each provider has its own ServiceAccount with the RBAC Traefik documents, and a short-lived
 * token; KUBECONFIG is not passed on, so it never runs as the admin.
 */
export async function startTraefik(ctx: ClusterContext, dir: string): Promise<Traefik> {
  const binary = await ensureTraefik(ctx.log)
  const module = await traefikModuleDir()
  const args: string[] = []
  for (const provider of PROVIDERS) {
    await ctx.kubectl(['apply', '-f', join(module, provider.rbac)])
    const account = await ctx.kubectl(['create', 'serviceaccount', provider.account, '-n', 'default'], {
      check: false,
    })
    if (account.code !== 0 && !/already exists/.test(account.stderr)) throw new Error(account.stderr)
    const token = await ctx.kubectl(['create', 'token', provider.account, '-n', 'default', '--duration=4h'])
    const tokenFile = join(dir, `${provider.account}.token`)
    await writeFile(tokenFile, token.stdout.trim(), { mode: 0o600 })
    args.push(
      `--providers.${provider.flag}.endpoint=${API_SERVER_URL}`,
      `--providers.${provider.flag}.token=${tokenFile}`,
      `--providers.${provider.flag}.certauthfilepath=${join(layout().pki, 'ca.crt')}`,
      `--providers.${provider.flag}.namespaces=${ctx.namespace}`,
    )
  }
  await ctx.kubectl(['apply', '-f', '-'], { input: GATEWAY_CLASS })
  const apiPort = await freePort()
  const logFile = join(dir, 'traefik.log')
  const log = createWriteStream(logFile)
  await once(log, 'open')
  const { KUBECONFIG: _k, KUBERNETES_SERVICE_HOST: _h, ...env } = process.env
  const child = spawn(
    binary,
    [
      `--entryPoints.web.address=127.0.0.1:${TRAEFIK_WEB_PORT}`,
      `--entryPoints.traefik.address=127.0.0.1:${apiPort}`,
      '--api.insecure=true',
      // The dashboard's pages are not in the Go module (a separate web build): the API alone.
      '--api.dashboard=false',
      '--ping=true',
      // This machine reaches no release server; nothing leaves it.
      '--global.checkNewVersion=false',
      '--global.sendAnonymousUsage=false',
      // A canary at 0 pods would otherwise fail the whole TraefikService ("no servers found for
      // zdd/catalog-canary"), taking the stable's traffic down with it; empty, it just gets no requests.
      '--providers.kubernetescrd.allowEmptyServices=true',
      // A weight change reaches the routers within a fraction of a second (the default waits 2 s).
      '--providers.providersThrottleDuration=100ms',
      '--log.level=INFO',
      ...args,
    ],
    { env, stdio: ['ignore', log, log] },
  )
  let exited: string | undefined
  child.once('exit', (code, signal) => {
    exited = `it exited with ${signal ?? `code ${code}`}`
  })
  const stop = stopper(child, log)
  const api = `http://127.0.0.1:${apiPort}`
  const deadline = Date.now() + 30_000
  while (!(await answers(`${api}/ping`))) {
    if (exited || Date.now() > deadline) {
      await stop()
      const tail = (await readFile(logFile, 'utf8').catch(() => '')).trim().split('\n').slice(-15)
      throw new TraefikStartError(exited ?? 'not answering /ping within 30 s', logFile, tail.join('\n'))
    }
    await sleep(100, undefined, { ref: false })
  }
  ctx.log(`Traefik ${TRAEFIK_VERSION} on 127.0.0.1:${TRAEFIK_WEB_PORT} (API ${api}), log ${logFile}`)
  return { web: `http://127.0.0.1:${TRAEFIK_WEB_PORT}`, api, logFile, stop }
}

async function answers(url: string): Promise<boolean> {
  const response = await fetch(url, { signal: AbortSignal.timeout(1000) }).catch(() => undefined)
  await response?.arrayBuffer().catch(() => undefined)
  return response?.ok ?? false
}

function stopper(child: ChildProcess, log: NodeJS.WritableStream): () => Promise<void> {
  let stopped: Promise<void> | undefined
  return () => {
    stopped ??= (async () => {
      if (child.exitCode === null && child.signalCode === null) {
        const gone = once(child, 'exit')
        child.kill('SIGTERM')
        const timer = setTimeout(() => child.kill('SIGKILL'), 5000)
        timer.unref()
        await gone
        clearTimeout(timer)
      }
      log.end()
    })()
    return stopped
  }
}
