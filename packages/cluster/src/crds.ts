import { join } from 'node:path'
import { kubectl } from './kubectl.ts'
import { run } from './run.ts'
import { TRAEFIK_MODULE, TRAEFIK_VERSION } from './traefik/build.ts'

/**
 * The CustomResourceDefinitions the overlays use, from each project's own Go module at a pinned version
 * (downloaded through the Go module proxy and checked against the checksum database, like the cluster's
 * own modules): Gateway API's standard channel, Traefik's CRDs, prometheus-operator's ServiceMonitor.
 */
export const CRD_SOURCES = [
  { module: 'sigs.k8s.io/gateway-api', version: 'v1.5.1', files: ['config/crd/standard'] },
  {
    // The release `zdd demo progressive --cluster --shift traefik|httproute` runs (traefik/build.ts).
    module: TRAEFIK_MODULE,
    version: TRAEFIK_VERSION,
    files: ['docs/content/reference/dynamic-configuration/kubernetes-crd-definition-v1.yml'],
  },
  {
    module: 'github.com/prometheus-operator/prometheus-operator',
    version: 'v0.85.0',
    files: ['example/prometheus-operator-crd/monitoring.coreos.com_servicemonitors.yaml'],
  },
] as const

export async function installCrds(log: (line: string) => void): Promise<void> {
  for (const source of CRD_SOURCES) {
    const ref = `${source.module}@${source.version}`
    const { stdout } = await run('go', ['mod', 'download', '-json', ref])
    const dir = (JSON.parse(stdout) as { Dir: string }).Dir
    for (const file of source.files) {
      // Server-side: these definitions are larger than the annotation client-side apply would keep.
      await kubectl(['apply', '--server-side', '--force-conflicts', '-f', join(dir, file)])
    }
    log(`CRDs of ${ref} installed`)
  }
  await kubectl(['wait', '--for=condition=Established', 'crd', '--all', '--timeout=60s'])
}
