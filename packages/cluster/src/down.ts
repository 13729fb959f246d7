import { existsSync, readdirSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { killContainers, ourMounts, podCgroups, removeCgroups, shims, unmountAll } from './cleanup.ts'
import { COMPONENTS } from './components.ts'
import { layout, NETWORK, NODES } from './layout.ts'
import { linkExists, ourChains, tearDownNetwork } from './network.ts'
import { checkPrerequisites } from './prerequisites.ts'
import { pidOf, stop } from './processes.ts'
import { run } from './run.ts'
import type { Log } from './up.ts'

/** Kept across `down`: the certificates and the built image archives (`up` loads them again). */
const KEPT = new Set(['pki', 'images', 'bin', 'logs'])

/**
 * Stops everything in reverse start order, then removes what the pods left: containers, mounts, cgroups,
 * network namespaces, the bridges, the routes and every iptables chain of the cluster. Returns what is
 * still there afterwards (nothing, unless something refused to go).
 */
export async function down(log: Log): Promise<string[]> {
  checkPrerequisites('down')
  const l = layout()
  for (const name of [...COMPONENTS].reverse()) {
    if (name === 'containerd-2') {
      const killed = await killContainers(l)
      if (killed > 0) log(`pods: ${killed} container processes and shims stopped`)
    }
    if (await stop(l, name)) log(`${name}: stopped`)
  }
  const unmounted = await unmountAll(l)
  if (unmounted > 0) log(`unmounted ${unmounted} container and volume mounts`)
  const cgroups = removeCgroups()
  if (cgroups > 0) log(`removed ${cgroups} pod cgroups`)
  await tearDownNetwork(l)
  await run('mount', ['--make-rprivate', '/'], { check: false })
  log('network: bridges, routes and iptables chains removed')
  if (existsSync(l.root)) {
    for (const name of readdirSync(l.root))
      if (!KEPT.has(name)) rmSync(join(l.root, name), { recursive: true, force: true })
  }
  return leftovers()
}

/** Anything of the cluster still present, in words; empty when `down` left nothing. */
export async function leftovers(): Promise<string[]> {
  const l = layout()
  const left: string[] = []
  for (const name of COMPONENTS) {
    const pid = pidOf(l, name)
    if (pid !== undefined) left.push(`process ${name} (pid ${pid})`)
  }
  for (const pid of shims(l)) left.push(`process containerd-shim-runc-v2 (pid ${pid})`)
  for (const point of ourMounts(l)) left.push(`mount ${point}`)
  for (const dir of podCgroups()) left.push(`cgroup ${dir}`)
  for (const device of [NETWORK.nodeDevice, ...NODES.map((n) => n.bridge)]) {
    if (await linkExists(device)) left.push(`network device ${device}`)
  }
  for (const command of ['iptables', 'ip6tables']) {
    for (const chain of await ourChains(command)) left.push(`${command} chain ${chain}`)
  }
  const routes = await run('ip', ['route', 'show', 'type', 'blackhole'], { check: false })
  for (const range of [NETWORK.clusterCIDR, NETWORK.serviceCIDR]) {
    if (routes.stdout.includes(range)) left.push(`blackhole route ${range}`)
  }
  return left
}
