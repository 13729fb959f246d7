import { binaries } from './build.ts'
import { layout } from './layout.ts'
import { type RunResult, run } from './run.ts'

/** kubectl of the pinned release with the cluster's admin kubeconfig. */
export function kubectl(
  args: string[],
  options: { check?: boolean; input?: string } = {},
): Promise<RunResult> {
  return run(binaries().k8s, ['kubectl', `--kubeconfig=${layout().kubeconfig}`, ...args], options)
}
