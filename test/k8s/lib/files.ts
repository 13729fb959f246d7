// A file path a container reads (FLAGS_FILE, GATEWAY_ROUTES_FILE), resolved against its volume mounts and
// the rendered ConfigMaps: what the process would find there, or why it would find nothing.
import { type Dict, dict, find, type K8sObject, list, type PodTemplate, str } from './objects.ts'

export interface MountedFile {
  /** The file's content, when a ConfigMap in the render holds it. */
  text?: string
  /** `ConfigMap/<name> key <key>`: where the content comes from, for comparing and for messages. */
  origin?: string
  /** Mounted with subPath: the kubelet never updates such a file when the ConfigMap changes. */
  subPath?: boolean
  /** Why the path holds nothing the render can tell (not mounted, not a ConfigMap, key missing). */
  missing?: string
}

export function mountedFile(
  objects: K8sObject[],
  pod: PodTemplate,
  container: Dict,
  path: string,
): MountedFile {
  const mounts = list(container.volumeMounts)
    .map((mount) => ({ mount, at: str(mount.mountPath)?.replace(/\/+$/, '') ?? '' }))
    .filter(({ mount, at }) => (mount.subPath === undefined ? path.startsWith(`${at}/`) : path === at))
    .sort((a, b) => b.at.length - a.at.length)
  const best = mounts[0]
  if (!best) {
    const paths = list(container.volumeMounts).map((mount) => mount.mountPath)
    return { missing: `no volume is mounted there (mounts: ${paths.join(', ') || 'none'})` }
  }
  const { mount, at } = best
  const volume = list(pod.spec.volumes).find((v) => v.name === mount.name)
  if (!volume) return { missing: `its mount names volume ${mount.name}, which the pod does not declare` }
  if (volume.configMap === undefined) {
    const type = Object.keys(volume).find((key) => key !== 'name') ?? 'unknown'
    return { missing: `it is in volume ${mount.name} (${type}), not a ConfigMap this render holds` }
  }
  const source = dict(volume.configMap)
  const name = str(source.name) ?? ''
  const relative = mount.subPath === undefined ? path.slice(at.length + 1) : (str(mount.subPath) ?? '')
  // `items` maps keys to paths inside the volume; without it every key is a file named after the key.
  const items = list(source.items)
  const key = items.length > 0 ? str(items.find((item) => item.path === relative)?.key) : relative
  const subPath = mount.subPath !== undefined
  const configMap = find(objects, 'ConfigMap', name)
  if (!configMap) {
    return source.optional === true
      ? { subPath, missing: `optional ConfigMap ${name} is not in the render` }
      : { subPath, missing: `ConfigMap ${name} is not in the render (the pod would not start)` }
  }
  const text = key === undefined ? undefined : str(dict(configMap.data)[key])
  if (text === undefined) {
    const keys = Object.keys(dict(configMap.data)).join(', ') || 'none'
    return { subPath, missing: `ConfigMap ${name} has no key for ${relative} (keys: ${keys})` }
  }
  return { text, subPath, origin: `ConfigMap/${name} key ${key}` }
}
