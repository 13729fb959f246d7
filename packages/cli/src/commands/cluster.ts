import { down, layout, NETWORK, status, up } from '@zdd/cluster'
import { UsageError } from '../errors.ts'
import { clusterImages } from './cluster-images.ts'

const HELP = `Usage: zdd cluster up|down|status|env|images

  up       start a single-node Kubernetes from real components on this machine (as root); idempotent
  env      print the exports for a shell: KUBECONFIG, PATH (kubectl of the cluster's release), ZDD_GATEWAY_URL
  images   build every service image without Docker and load it into the node (zdd/<service>:v1 and :v2)
  status   which components run, and whether the node is Ready
  down     stop everything; no process, mount, iptables chain or network device of the cluster is left`

const log = (line: string) => process.stderr.write(`[cluster] ${line}\n`)

export async function cluster(args: string[]): Promise<number> {
  const [sub, ...rest] = args
  if (rest.length > 0 && sub !== 'images') throw new UsageError(`zdd cluster ${sub} takes no arguments`)
  switch (sub) {
    case 'up':
      await up(log)
      return 0
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
      process.stdout.write(`node ${NETWORK.nodeName.padEnd(19)} ${s.nodeReady ? 'Ready' : 'not ready'}\n`)
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
    case undefined:
    case 'help':
    case '--help':
      process.stdout.write(`${HELP}\n`)
      return sub === undefined ? 2 : 0
    default:
      throw new UsageError(`unknown cluster command "${sub}"`)
  }
}
