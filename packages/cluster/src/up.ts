import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { applyBootstrap } from './bootstrap.ts'
import { ensureBinaries, linkTools } from './build.ts'
import { API_SERVER_URL, component, componentsFor, nodeOf } from './components.ts'
import { PAUSE_IMAGE, writeConfigs } from './configs.ts'
import { installCrds } from './crds.ts'
import { ComponentExitedError, ComponentTimeoutError } from './errors.ts'
import { importImage, loadedImages } from './images/oci.ts'
import { type Layout, layout, NETWORK, NODES, nodePaths } from './layout.ts'
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
export async function up(log: Log, options: { nodes?: number } = {}): Promise<Layout> {
  checkPrerequisites('up')
  const l = layout()
  const nodes = options.nodes ?? nodeCount(l)
  const started = Date.now()
  const bins = await ensureBinaries(log)
  for (const dir of [l.root, l.logs, l.pids, l.images]) mkdirSync(dir, { recursive: true })
  for (const node of NODES) mkdirSync(nodePaths(l, node).cni.state, { recursive: true })
  writeFileSync(join(l.root, 'nodes'), `${nodes}\n`)
  writeConfigs(l)
  await setUpNetwork(l)
  log(
    `network: node address ${NETWORK.nodeIP} on ${NETWORK.nodeDevice}, pods ${NETWORK.clusterCIDR}, Services ${NETWORK.serviceCIDR} (blackholed off this machine)`,
  )
  await run(bins.k8s, [
    'pki',
    `--dir=${l.pki}`,
    ...NODES.map((node) => `--node=${node.name}=${node.ip}`),
    `--apiserver-ip=${NETWORK.nodeIP}`,
    `--service-ip=${NETWORK.kubernetesServiceIP}`,
    `--server=${API_SERVER_URL}`,
  ])
  linkTools(bins, l.bin)
  for (const name of componentsFor(nodes)) {
    const running = pidOf(l, name)
    const node = nodeOf(name)
    if (running === undefined && node && name.startsWith('kubelet')) prepareCgroupRoot(node.cgroupRoot)
    if (running === undefined) {
      const pid = start(l, component(name, l, bins))
      log(`${name}: started (pid ${pid}), waiting for ${readiness(name, l).waitingFor}`)
    }
    await waitReady(l, name)
    if (node && name.startsWith('containerd'))
      await loadImages(l, bins, nodePaths(l, node).containerd.socket, log)
    if (name === 'kube-apiserver') await applyBootstrap()
    log(`${name}: ready${running === undefined ? '' : ` (already running, pid ${running})`}`)
  }
  await installCrds(log)
  log(
    `cluster up in ${Math.round((Date.now() - started) / 1000)} s: node${nodes > 1 ? 's' : ''} ${NODES.slice(
      0,
      nodes,
    )
      .map((n) => n.name)
      .join(', ')} Ready, cluster DNS answers`,
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
  socket: string,
  log: Log,
): Promise<void> {
  const loaded = await loadedImages(socket)
  if (!loaded.includes(PAUSE_IMAGE)) {
    await loadPauseImage(l, bins, socket)
    log(`containerd: loaded ${PAUSE_IMAGE}`)
  }
  for (const file of readdirSync(l.images).filter((f) => f.endsWith('.tar'))) {
    const service = file.replace(/\.tar$/, '')
    if (loaded.some((image) => image.includes(`/zdd/${service}:`))) continue
    await importImage(socket, join(l.images, file))
    log(`containerd: loaded ${file}`)
  }
}

/** How many nodes the cluster was last brought up with (`up --nodes`); 1 when never said. */
export function nodeCount(l: Layout = layout()): number {
  try {
    const n = Number(readFileSync(join(l.root, 'nodes'), 'utf8').trim())
    return n >= 1 && n <= NODES.length ? n : 1
  } catch {
    return 1
  }
}

/**
 * A second kubelet keeps its pods under its own cgroup root, which must exist in every controller (cgroup
 * v1); a new cpuset group starts with no CPUs or memory nodes, so it takes its parent's.
 */
function prepareCgroupRoot(root: string): void {
  if (root === '/') return
  for (const controller of readdirSync('/sys/fs/cgroup')) {
    const dir = join('/sys/fs/cgroup', controller, root)
    try {
      mkdirSync(dir, { recursive: true })
      if (controller === 'cpuset') {
        for (const file of ['cpuset.cpus', 'cpuset.mems'])
          writeFileSync(join(dir, file), readFileSync(join(dir, '..', file)))
      }
    } catch {}
  }
}
