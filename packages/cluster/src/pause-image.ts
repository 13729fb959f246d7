import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Binaries } from './build.ts'
import { PAUSE_IMAGE } from './configs.ts'
import { importImage, packImage } from './images/oci.ts'
import type { Layout } from './layout.ts'

/** The sandbox image: the static pause program alone, as the only file of its image. */
export async function loadPauseImage(l: Layout, bins: Binaries, socket: string): Promise<void> {
  const scratch = mkdtempSync(join(l.root, 'pause-'))
  try {
    const rootfs = join(scratch, 'rootfs')
    mkdirSync(rootfs)
    copyFileSync(bins.pause, join(rootfs, 'pause'))
    const config = join(scratch, 'config.json')
    writeFileSync(config, JSON.stringify({ Entrypoint: ['/pause'], User: '65535:65535' }))
    const archive = join(scratch, 'pause.tar')
    await packImage(bins, rootfs, config, archive, [PAUSE_IMAGE])
    await importImage(socket, archive)
  } finally {
    rmSync(scratch, { recursive: true, force: true })
  }
}
