import { type Stats, stat } from 'node:fs'

/**
 * Polls a file's identity (inode, size, mtime) and calls `onChange` when it differs from `seen()`, the
 * fingerprint of the version last read. Comparing with what was read, not with the previous poll, means an
 * edit made between the read and the first poll is not missed. (fs.watchFile was dropped: after another
 * watcher on a renamed-over file was removed, new watchers in the same process stopped firing.)
 */
export function pollFile(
  path: string,
  intervalMs: number,
  seen: () => string,
  onChange: () => void,
): () => void {
  let busy = false
  const timer = setInterval(() => {
    if (busy) return
    busy = true
    stat(path, (err, stats) => {
      busy = false
      if (fingerprint(err ? undefined : stats) !== seen()) onChange()
    })
  }, intervalMs)
  timer.unref()
  return () => clearInterval(timer)
}

export function fingerprint(stats: Stats | undefined): string {
  return stats ? `${stats.ino}:${stats.size}:${stats.mtimeMs}` : 'missing'
}
