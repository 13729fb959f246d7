import { mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { ensureBinaries } from '../build.ts'
import { type Layout, layout, NODES, nodePaths, REPO_ROOT } from '../layout.ts'
import { run } from '../run.ts'
import { type Log, nodeCount } from '../up.ts'
import { importImage, packImage } from './oci.ts'
import { CLUSTER_SERVICES, imageConfig, imageNames } from './recipe.ts'
import { nodeRootfs } from './rootfs.ts'

export interface BuiltImage {
  service: string
  names: string[]
  archive: string
}

/**
 * Builds each service's image without a Docker daemon, as the Dockerfile would (the built workspace,
 * `pnpm deploy --prod` of the service, Node and tini, non-root), packs it as an OCI archive kept in the
 * cluster folder and loads it into the node when the cluster runs. Needs the workspace built first
 * (`./zdd` does that).
 */
export async function buildImages(
  log: Log,
  services: readonly string[] = CLUSTER_SERVICES,
  load = true,
): Promise<BuiltImage[]> {
  const l = layout()
  const bins = await ensureBinaries(log)
  mkdirSync(l.images, { recursive: true })
  const built: BuiltImage[] = []
  for (const service of services) {
    const started = Date.now()
    const scratch = mkdtempSync(join(l.images, `.build-${service}-`))
    try {
      const rootfs = join(scratch, 'rootfs')
      await nodeRootfs(rootfs)
      await run('pnpm', ['deploy', '--prod', `--filter=@zdd/${service}`, join(rootfs, 'app')], {
        cwd: REPO_ROOT,
      })
      const config = join(scratch, 'config.json')
      writeFileSync(config, JSON.stringify(imageConfig()))
      const archive = join(l.images, `${service}.tar`)
      const names = imageNames(service)
      await packImage(bins, rootfs, config, join(scratch, 'image.tar'), names)
      renameSync(join(scratch, 'image.tar'), archive)
      if (load) for (const socket of nodeSockets(l)) await importImage(socket, archive)
      log(
        `${service}: ${names.join(', ')} built${load ? ' and loaded' : ''} in ${((Date.now() - started) / 1000).toFixed(1)} s`,
      )
      built.push({ service, names, archive })
    } finally {
      rmSync(scratch, { recursive: true, force: true })
    }
  }
  return built
}

/** The containerd socket of each node of the cluster. */
export function nodeSockets(l: Layout): string[] {
  return NODES.slice(0, nodeCount(l)).map((node) => nodePaths(l, node).containerd.socket)
}

/** The image's whole filesystem for one service: Node, tini, users, and `pnpm deploy --prod` at /app. */
export async function serviceRootfs(service: string, rootfs: string): Promise<void> {
  await nodeRootfs(rootfs)
  const app = join(rootfs, 'app')
  await run('pnpm', ['deploy', '--prod', `--filter=@zdd/${service}`, app], { cwd: REPO_ROOT })
  // The Dockerfile's build context leaves out every *.md of the repository (.dockerignore), so the
  // service's and the workspace packages' READMEs are not in its image either; registry packages keep theirs.
  for (const file of readdirSync(app, { recursive: true }) as string[]) {
    if (
      file.endsWith('.md') &&
      (!file.includes('node_modules') || /node_modules\/@zdd\/[^/]+\/[^/]+\.md$/.test(file))
    ) {
      rmSync(join(app, file), { force: true })
    }
  }
}
