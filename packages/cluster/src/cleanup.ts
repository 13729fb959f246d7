import { existsSync, readdirSync, readFileSync, rmdirSync, rmSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { type Layout, NODES } from './layout.ts'
import { terminate } from './processes.ts'
import { run } from './run.ts'

/**
 * What the cluster leaves behind outside its own processes: the pods' containers and their shims, the
 * mounts (container root filesystems, volumes, network namespaces) and the pods' cgroups. Found by where
 * they live, never by guessing: shims of our containerd socket, mounts under our folder or of CNI
 * network namespaces, cgroups under kubepods.
 */
export async function killContainers(l: Layout): Promise<number> {
  let killed = 0
  for (const pid of podProcesses()) {
    try {
      process.kill(pid, 'SIGKILL')
      killed++
    } catch {}
  }
  for (const pid of shims(l)) {
    await terminate(pid, 2_000)
    killed++
  }
  await sleep(100)
  return killed
}

export function shims(l: Layout): number[] {
  return processes()
    .filter(
      ({ cmdline }) =>
        cmdline[0]?.endsWith('containerd-shim-runc-v2') &&
        cmdline.some((arg) => arg.startsWith(`${l.root}/`)),
    )
    .map(({ pid }) => pid)
}

function processes(): Array<{ pid: number; cmdline: string[] }> {
  const out = []
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue
    try {
      out.push({ pid: Number(name), cmdline: readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0') })
    } catch {}
  }
  return out
}

const CGROUP = '/sys/fs/cgroup'

/** Every process in a kubepods cgroup, in any hierarchy (cgroup v1). */
export function podProcesses(): number[] {
  const pids = new Set<number>()
  for (const dir of podCgroups()) {
    try {
      for (const line of readFileSync(join(dir, 'cgroup.procs'), 'utf8').split('\n')) {
        if (line) pids.add(Number(line))
      }
    } catch {}
  }
  return [...pids]
}

/** kubepods cgroup folders of every node, deepest first. */
export function podCgroups(): string[] {
  const found: string[] = []
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory()) walk(join(dir, entry.name))
    }
    found.push(dir)
  }
  if (!existsSync(CGROUP)) return found
  for (const hierarchy of readdirSync(CGROUP)) {
    for (const node of NODES) {
      const root = join(CGROUP, hierarchy, node.cgroupRoot, 'kubepods')
      try {
        if (statSync(root).isDirectory()) walk(root)
      } catch {}
      // A second node's own cgroup root goes too, after everything under it.
      if (node.cgroupRoot !== '/' && existsSync(join(CGROUP, hierarchy, node.cgroupRoot))) {
        found.push(join(CGROUP, hierarchy, node.cgroupRoot))
      }
    }
  }
  return found
}

export function removeCgroups(): number {
  let removed = 0
  for (const dir of podCgroups()) {
    try {
      rmdirSync(dir)
      removed++
    } catch {}
  }
  return removed
}

/** Mount points of ours: under the cluster folder, and CNI's network namespaces. Deepest first. */
export function ourMounts(l: Layout): string[] {
  const points = readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .map((line) => line.split(' ')[4] ?? '')
    .map((point) => point.replace(/\\040/g, ' '))
    .filter((point) => point.startsWith(`${l.root}/`) || /^\/(var\/)?run\/netns\/cni-/.test(point))
  return [...new Set(points)].sort((a, b) => b.length - a.length)
}

export async function unmountAll(l: Layout): Promise<number> {
  let count = 0
  for (let round = 0; round < 5; round++) {
    const mounts = ourMounts(l)
    if (mounts.length === 0) break
    for (const point of mounts) {
      if ((await run('umount', ['-l', point], { check: false })).code === 0) count++
    }
  }
  for (const dir of ['/run/netns', '/var/run/netns']) {
    if (!existsSync(dir)) continue
    for (const name of readdirSync(dir)) if (name.startsWith('cni-')) rmSync(join(dir, name), { force: true })
  }
  return count
}
