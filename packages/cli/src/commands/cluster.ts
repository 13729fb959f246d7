import { writeFile } from 'node:fs/promises'
import { down, layout, measurePropagation, NETWORK, NODES, status, up } from '@zdd/cluster'
import { intFlag, parseFlags } from '../args.ts'
import { UsageError } from '../errors.ts'
import { clusterImages } from './cluster-images.ts'

const HELP = `Usage: zdd cluster up|down|status|env|images|propagation

  up [--nodes 2]  start Kubernetes from real components on this machine (as root); idempotent. A second
           node (its own kubelet, containerd, pod bridge) makes drains and node-by-node upgrades possible
  env      print the exports for a shell: KUBECONFIG, PATH (kubectl of the cluster's release), ZDD_GATEWAY_URL
  images   build every service image without Docker and load it into the node (zdd/<service>:v1 and :v2)
  propagation [--samples N] [--json FILE]
           delete catalog pods one at a time and time how long kube-proxy's rules take to drop each one,
           and to include its replacement once Ready (needs k8s/overlays/local applied)
  status   which components run, and whether the node is Ready
  down     stop everything; no process, mount, iptables chain or network device of the cluster is left`

const log = (line: string) => process.stderr.write(`[cluster] ${line}\n`)

export async function cluster(args: string[]): Promise<number> {
  const [sub, ...rest] = args
  if (rest.length > 0 && sub !== 'images' && sub !== 'propagation' && sub !== 'up')
    throw new UsageError(`zdd cluster ${sub} takes no arguments`)
  switch (sub) {
    case 'up': {
      const flags = parseFlags(rest, { nodes: { type: 'string', description: 'nodes: 1, or 2 for drains' } })
      await up(log, flags.nodes === undefined ? {} : { nodes: intFlag(flags, 'nodes', 1, 1, NODES.length) })
      return 0
    }
    case 'down': {
      const left = await down(log)
      if (left.length === 0) {
        log('down: nothing of the cluster is left running')
        return 0
      }
      log(`down: still present:\n  ${left.join('\n  ')}`)
      return 1
    }
    case 'status': {
      const s = await status()
      for (const c of s.components)
        process.stdout.write(`${c.name.padEnd(24)} ${c.pid ? `running (pid ${c.pid})` : 'stopped'}\n`)
      for (const node of s.nodes)
        process.stdout.write(`node ${node.name.padEnd(19)} ${node.ready ? 'Ready' : 'not ready'}\n`)
      return s.running && s.nodeReady ? 0 : 1
    }
    case 'env': {
      const l = layout()
      process.stdout.write(
        [
          `export KUBECONFIG=${l.kubeconfig}`,
          `export PATH=${l.bin}:$PATH`,
          `export ZDD_GATEWAY_URL=http://127.0.0.1:${NETWORK.gatewayNodePort}`,
          '',
        ].join('\n'),
      )
      return 0
    }
    case 'images':
      return clusterImages(rest, log)
    case 'propagation': {
      const flags = parseFlags(rest, {
        samples: { type: 'string', description: 'pods deleted, one at a time' },
        json: { type: 'string', description: 'write the samples and their summary here' },
      })
      const result = await measurePropagation(intFlag(flags, 'samples', 10, 1, 200), log)
      for (const [what, s] of Object.entries(result)) {
        process.stdout.write(
          `${what.padEnd(10)} p50 ${s.p50} ms, p90 ${s.p90} ms, max ${s.max} ms (${s.samples.length} samples)\n`,
        )
      }
      if (typeof flags.json === 'string') await writeFile(flags.json, `${JSON.stringify(result, null, 2)}\n`)
      return 0
    }
    case undefined:
    case 'help':
    case '--help':
      process.stdout.write(`${HELP}\n`)
      return sub === undefined ? 2 : 0
    default:
      throw new UsageError(`unknown cluster command "${sub}"`)
  }
}
