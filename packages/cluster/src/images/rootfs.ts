import { chmodSync, copyFileSync, mkdirSync, writeFileSync } from 'node:fs'
import { basename, join } from 'node:path'
import { run } from '../run.ts'

/**
 * A minimal root filesystem for a Node service: the Node binary (the one running this command: the
 * repository's pinned release) with the shared libraries it links, tini as PID 1, a passwd entry for the
 * non-root user and a /tmp. The service itself is added at /app by the caller.
 */
export async function nodeRootfs(root: string, nodeBinary = process.execPath): Promise<void> {
  for (const dir of ['usr/local/bin', 'usr/bin', 'etc', 'lib64', 'lib/x86_64-linux-gnu', 'app']) {
    mkdirSync(join(root, dir), { recursive: true })
  }
  mkdirSync(join(root, 'tmp'), { recursive: true })
  chmodSync(join(root, 'tmp'), 0o1777)
  copyFileSync(nodeBinary, join(root, 'usr/local/bin/node'))
  chmodSync(join(root, 'usr/local/bin/node'), 0o755)
  // Static: no libraries of its own to carry.
  copyFileSync('/usr/bin/tini-static', join(root, 'usr/bin/tini'))
  chmodSync(join(root, 'usr/bin/tini'), 0o755)
  for (const library of await sharedLibraries(nodeBinary)) {
    const target = library.startsWith('/lib64/')
      ? join(root, library)
      : join(root, 'lib/x86_64-linux-gnu', basename(library))
    copyFileSync(library, target)
  }
  // uid/gid 1000 is the official node image's `node` user, which the Dockerfile runs as.
  writeFileSync(
    join(root, 'etc/passwd'),
    'root:x:0:0:root:/root:/sbin/nologin\nnode:x:1000:1000::/home/node:/sbin/nologin\n',
  )
  writeFileSync(join(root, 'etc/group'), 'root:x:0:\nnode:x:1000:\n')
  writeFileSync(join(root, 'etc/nsswitch.conf'), 'passwd: files\ngroup: files\nhosts: files dns\n')
  writeFileSync(join(root, 'etc/hosts'), '127.0.0.1 localhost\n')
}

/** The resolved paths `ldd` prints for a binary. */
export async function sharedLibraries(binary: string): Promise<string[]> {
  const { stdout } = await run('ldd', [binary])
  return stdout
    .split('\n')
    .map((line) => /(\/\S+) \(0x/.exec(line)?.[1])
    .filter((path): path is string => path !== undefined)
}
