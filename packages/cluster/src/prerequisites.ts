import { accessSync, constants } from 'node:fs'
import { delimiter, join } from 'node:path'
import { MissingPrerequisiteError, NotRootError } from './errors.ts'

/** What the node needs from Debian, each as a file that proves it is installed and the package that brings it. */
const NEEDED: Array<{ file: string; pkg: string }> = [
  { file: 'containerd', pkg: 'containerd' },
  { file: 'ctr', pkg: 'containerd' },
  { file: 'runc', pkg: 'runc' },
  { file: '/usr/lib/cni/bridge', pkg: 'containernetworking-plugins' },
  { file: '/usr/lib/cni/host-local', pkg: 'containernetworking-plugins' },
  { file: '/usr/lib/cni/loopback', pkg: 'containernetworking-plugins' },
  { file: 'iptables', pkg: 'iptables' },
  { file: 'conntrack', pkg: 'conntrack' },
  { file: 'ip', pkg: 'iproute2' },
  { file: 'tini-static', pkg: 'tini' },
]

/** Every Debian package the cluster needs, for `.ci/run` and the README. */
export const DEBIAN_PACKAGES = [...new Set(NEEDED.map((n) => n.pkg))]

export function checkPrerequisites(command: string): void {
  if (process.getuid?.() !== 0) throw new NotRootError(command)
  const missing = [...new Set(NEEDED.filter((n) => !found(n.file)).map((n) => n.pkg))]
  if (missing.length > 0) {
    throw new MissingPrerequisiteError(
      `the Debian package${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`,
      `apt-get update && apt-get install -y --no-install-recommends ${missing.join(' ')}`,
    )
  }
}

export function found(file: string): boolean {
  const candidates = file.startsWith('/')
    ? [file]
    : [...(process.env.PATH ?? '').split(delimiter), '/usr/sbin', '/sbin'].map((dir) => join(dir, file))
  return candidates.some((path) => {
    try {
      accessSync(path, constants.X_OK)
      return true
    } catch {
      return false
    }
  })
}
