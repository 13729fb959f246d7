import type { Binaries } from '../build.ts'
import { run } from '../run.ts'

/** A folder packed as a single-layer OCI archive by the cluster binary's `oci` helper. */
export async function packImage(
  bins: Binaries,
  rootfs: string,
  config: string,
  out: string,
  names: string[],
) {
  await run(bins.k8s, [
    'oci',
    '--rootfs',
    rootfs,
    '--config',
    config,
    '--out',
    out,
    ...names.flatMap((n) => ['--name', n]),
  ])
}

/** Loads an archive into a node's containerd (its socket), where the kubelet finds images (namespace k8s.io). */
export async function importImage(socket: string, archive: string): Promise<void> {
  await run('ctr', ['--address', socket, '-n', 'k8s.io', 'images', 'import', archive])
}

export async function loadedImages(socket: string): Promise<string[]> {
  const out = await run('ctr', ['--address', socket, '-n', 'k8s.io', 'images', 'ls', '-q'], {
    check: false,
  })
  return out.stdout.split('\n').filter(Boolean)
}
