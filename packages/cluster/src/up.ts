import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { applyBootstrap } from './bootstrap.ts'
import { ensureBinaries, linkTools } from './build.ts'
import { API_SERVER_URL, COMPONENTS, component } from './components.ts'
import { PAUSE_IMAGE, writeConfigs } from './configs.ts'
import { installCrds } from './crds.ts'
import { ComponentExitedError, ComponentTimeoutError } from './errors.ts'
import { importImage, loadedImages } from './images/oci.ts'
import { type Layout, layout, NETWORK } from './layout.ts'
import { setUpNetwork } from './network.ts'
import { loadPauseImage } from './pause-image.ts'
import { checkPrerequisites } from './prerequisites.ts'
import { logFile, pidOf, start } from './processes.ts'
import { readiness } from './readiness.ts'
import { run, tail } from './run.ts'
import { waitFor } from './wait.ts'

export type Log = (line: string) => void

/**
 * Brings the node up, component by component, each waited for before the next starts. Idempotent: a
 * component already running is left as it is, so `up` also restarts whatever has stopped.
 */
export async function up(log: Log): Promise<Layout> {
  checkPrerequisites('up')
  const l = layout()
  const started = Date.now()
  const bins = await ensureBinaries(log)
  for (const dir of [l.root, l.logs, l.pids, l.images, l.cni.state]) mkdirSync(dir, { recursive: true })
  writeConfigs(l)
  await setUpNetwork(l)
  log(
    `network: node address ${NETWORK.nodeIP} on ${NETWORK.nodeDevice}, pods ${NETWORK.clusterCIDR}, Services ${NETWORK.serviceCIDR} (blackholed off this machine)`,
  )
  await run(bins.k8s, [
    'pki',
    `--dir=${l.pki}`,
    `--node-name=${NETWORK.nodeName}`,
    `--node-ip=${NETWORK.nodeIP}`,
    `--service-ip=${NETWORK.kubernetesServiceIP}`,
    `--server=${API_SERVER_URL}`,
  ])
  linkTools(bins, l.bin)
  for (const name of COMPONENTS) {
    const running = pidOf(l, name)
    if (running === undefined) {
      const pid = start(l, component(name, l, bins))
      log(`${name}: started (pid ${pid}), waiting for ${readiness(name, l).waitingFor}`)
    }
    await waitReady(l, name)
    if (name === 'containerd') await loadImages(l, bins, log)
    if (name === 'kube-apiserver') await applyBootstrap()
    log(`${name}: ready${running === undefined ? '' : ` (already running, pid ${running})`}`)
  }
  await installCrds(log)
  log(
    `cluster up in ${Math.round((Date.now() - started) / 1000)} s: node ${NETWORK.nodeName} Ready, cluster DNS answers`,
  )
  return l
}

export async function waitReady(l: Layout, name: Parameters<typeof readiness>[0]): Promise<void> {
  const r = readiness(name, l)
  let exited = false
  const ok = await waitFor(async () => {
    if (pidOf(l, name) === undefined) {
      exited = true
      return true
    }
    return r.check()
  }, r.timeoutMs)
  const log = logFile(l, name)
  const lastLines = () => (existsSync(log) ? tail(readFileSync(log, 'utf8'), 15) : '(no log)')
  if (exited) throw new ComponentExitedError(name, log, lastLines())
  if (!ok)
    throw new ComponentTimeoutError(
      name,
      r.timeoutMs / 1000,
      `waited for ${r.waitingFor}. Its log: ${log}\nLast lines:\n${lastLines()}`,
    )
}

/** The sandbox image, and every service image built earlier by `zdd cluster images` (kept across `down`). */
async function loadImages(
  l: Layout,
  bins: Awaited<ReturnType<typeof ensureBinaries>>,
  log: Log,
): Promise<void> {
  const loaded = await loadedImages(l)
  if (!loaded.includes(PAUSE_IMAGE)) {
    await loadPauseImage(l, bins)
    log(`containerd: loaded ${PAUSE_IMAGE}`)
  }
  for (const file of readdirSync(l.images).filter((f) => f.endsWith('.tar'))) {
    const service = file.replace(/\.tar$/, '')
    if (loaded.some((image) => image.includes(`/zdd/${service}:`))) continue
    await importImage(l, join(l.images, file))
    log(`containerd: loaded ${file}`)
  }
}
