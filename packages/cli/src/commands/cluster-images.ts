import { buildImages, CLUSTER_SERVICES, status } from '@zdd/cluster'
import { UsageError } from '../errors.ts'

/** `zdd cluster images [SERVICE…]`: build and load; without a running cluster, build only (`up` loads them). */
export async function clusterImages(args: string[], log: (line: string) => void): Promise<number> {
  const unknown = args.filter((a) => !(CLUSTER_SERVICES as readonly string[]).includes(a))
  if (unknown.length > 0) {
    throw new UsageError(
      `unknown service "${unknown[0]}"; the cluster's services are ${CLUSTER_SERVICES.join(', ')}`,
    )
  }
  const running = (await status()).components.find((c) => c.name === 'containerd')?.pid !== undefined
  if (!running) log('the cluster is not running: building only; `zdd cluster up` loads the images')
  await buildImages(log, args.length > 0 ? args : CLUSTER_SERVICES, running)
  return 0
}
