import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { type Layout, NETWORK, NODES } from './layout.ts'
import { run } from './run.ts'

const ISOLATE_CHAIN = 'ZDD-ISOLATE'

/**
 * The nodes' network, before any component starts: the node addresses on a bridge of their own, blackhole
 * routes for the pod and Service ranges (a packet for them that no rule claims dies here instead of
 * leaving by the default route), and a FORWARD rule that drops pod traffic bound anywhere but other pods.
 * The machine settings it changes (ip_forward, / mount propagation) are written down and restored by `down`.
 */
export async function setUpNetwork(l: Layout): Promise<void> {
  const saved = join(l.root, 'host-settings.json')
  const forward = readFileSync('/proc/sys/net/ipv4/ip_forward', 'utf8').trim()
  try {
    readFileSync(saved)
  } catch {
    writeFileSync(saved, JSON.stringify({ ipForward: forward }))
  }
  if (!(await linkExists(NETWORK.nodeDevice))) {
    await run('ip', ['link', 'add', NETWORK.nodeDevice, 'type', 'bridge'])
  }
  for (const node of NODES) await run('ip', ['addr', 'replace', `${node.ip}/32`, 'dev', NETWORK.nodeDevice])
  await run('ip', ['link', 'set', NETWORK.nodeDevice, 'up'])
  for (const range of [NETWORK.clusterCIDR, NETWORK.serviceCIDR]) {
    await run('ip', ['route', 'replace', 'blackhole', range])
  }
  writeFileSync('/proc/sys/net/ipv4/ip_forward', '1')
  // Volumes the kubelet mounts must be visible inside containers (mount propagation).
  await run('mount', ['--make-rshared', '/'])
  await run('iptables', ['-N', ISOLATE_CHAIN], { check: false })
  await run('iptables', ['-F', ISOLATE_CHAIN])
  await run('iptables', [
    '-A',
    ISOLATE_CHAIN,
    '-s',
    NETWORK.clusterCIDR,
    '!',
    '-d',
    NETWORK.clusterCIDR,
    '-j',
    'DROP',
  ])
  const jump = ['FORWARD', '-j', ISOLATE_CHAIN]
  if ((await run('iptables', ['-C', ...jump], { check: false })).code !== 0) {
    await run('iptables', ['-I', ...jump])
  }
}

export async function tearDownNetwork(l: Layout): Promise<void> {
  for (const device of [...NODES.map((n) => n.bridge), NETWORK.nodeDevice]) {
    if (await linkExists(device)) await run('ip', ['link', 'del', device])
  }
  for (const range of [NETWORK.clusterCIDR, NETWORK.serviceCIDR]) {
    await run('ip', ['route', 'del', 'blackhole', range], { check: false })
  }
  for (const command of ['iptables', 'ip6tables']) await removeChains(command)
  try {
    const { ipForward } = JSON.parse(readFileSync(join(l.root, 'host-settings.json'), 'utf8')) as {
      ipForward: string
    }
    writeFileSync('/proc/sys/net/ipv4/ip_forward', ipForward)
  } catch {}
}

export async function linkExists(device: string): Promise<boolean> {
  return (await run('ip', ['link', 'show', device], { check: false })).code === 0
}

/** Chains of ours (ZDD-) and of the cluster (KUBE-, CNI-), and every rule that jumps to them. */
export const OUR_CHAIN = /^(KUBE|CNI|ZDD)-/

export async function ourChains(command: string): Promise<string[]> {
  const saved = await run(`${command}-save`, [], { check: false })
  return saved.stdout
    .split('\n')
    .filter((line) => line.startsWith(':'))
    .map((line) => line.slice(1).split(' ')[0] ?? '')
    .filter((chain) => OUR_CHAIN.test(chain))
}

async function removeChains(command: string): Promise<void> {
  for (const table of ['filter', 'nat', 'mangle', 'raw']) {
    const saved = await run(`${command}-save`, ['-t', table], { check: false })
    if (saved.code !== 0) continue
    const lines = saved.stdout.split('\n')
    const chains = lines
      .filter((line) => line.startsWith(':'))
      .map((line) => line.slice(1).split(' ')[0] ?? '')
      .filter((chain) => OUR_CHAIN.test(chain))
    if (chains.length === 0) continue
    const mine = new Set(chains)
    const deletes = lines
      .filter((line) => line.startsWith('-A '))
      .filter((line) => !mine.has(line.split(' ')[1] ?? '') && /-j (\S+)/.test(line))
      .filter((line) => mine.has(/-j (\S+)/.exec(line)?.[1] ?? ''))
      .map((line) => `-D ${line.slice(3)}`)
    const script = [
      `*${table}`,
      ...deletes,
      ...chains.map((chain) => `:${chain} - [0:0]`),
      ...chains.map((chain) => `-X ${chain}`),
      'COMMIT',
      '',
    ].join('\n')
    await run(`${command}-restore`, ['--noflush'], { input: script })
  }
}
