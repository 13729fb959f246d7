// Where the flag-evaluating services (schema with @zdd/flags' FLAGS_FILE, UNLEASH_*) get their flags. A
// FLAGS_FILE nobody mounted, or mounted through subPath, renders fine: the pod then cannot load its flags
// (offline) or never sees a change to them; two services reading different flags disagree about every
// user; an Unleash token in a ConfigMap is committed with the repository.
import { readFileSync } from 'node:fs'
import { DEMO_FLAGS_FILE, type FlagsDocument, parseFlags } from '@zdd/flags'
import { containerConfig } from './env.ts'
import { mountedFile } from './files.ts'
import { type Dict, type K8sObject, type PodTemplate, type Problem, problem, str } from './objects.ts'
import { readsFlags } from './services.ts'

export interface FlagsSource {
  /** Where the flags come from: the packaged demo file or a ConfigMap key, then offline or the server URL. */
  origin: string
  /** The bootstrap document (all of the truth offline), when it can be read offline. */
  doc?: FlagsDocument
  problems: Problem[]
}

/** What FLAGS_FILE defaults to; in the image, node_modules/@zdd/flags/flags/demo.json (test/images). */
const PACKAGED = 'the packaged demo flags (@zdd/flags flags/demo.json)'

let packaged: FlagsDocument | undefined
function packagedDoc(): FlagsDocument {
  packaged ??= parseFlags(readFileSync(DEMO_FLAGS_FILE, 'utf8'), DEMO_FLAGS_FILE)
  return packaged
}

/** The flags a container reads, or undefined for a service that does not evaluate flags. */
export function flagsSource(
  objects: K8sObject[],
  pod: PodTemplate,
  container: Dict,
): FlagsSource | undefined {
  const cfg = containerConfig(objects, pod, container)
  if (!readsFlags(cfg.schema)) return undefined
  const where = `container ${str(container.name)}`
  const server = cfg.env.get('UNLEASH_URL')
  const mode = server === undefined ? 'offline' : `server ${server}`
  if (!cfg.env.has('FLAGS_FILE')) return { origin: `${PACKAGED}, ${mode}`, doc: packagedDoc(), problems: [] }
  const path = cfg.env.get('FLAGS_FILE')
  if (path === undefined) return { origin: `FLAGS_FILE from elsewhere, ${mode}`, problems: [] }
  const file = mountedFile(objects, pod, container, path)
  const problems: Problem[] = []
  const fail = (message: string) => problems.push(problem(pod.owner, 'flags-source', `${where}: ${message}`))
  if (file.missing !== undefined) {
    fail(`FLAGS_FILE ${path}: ${file.missing}, so the service cannot load its flags at start-up`)
  } else if (file.subPath) {
    fail(
      `FLAGS_FILE ${path} is mounted with subPath: the kubelet never updates such a file, so flag changes would need a restart; mount the ConfigMap's directory`,
    )
  }
  let doc: FlagsDocument | undefined
  if (file.text !== undefined) {
    try {
      doc = parseFlags(file.text, `${file.origin} (FLAGS_FILE ${path})`)
    } catch (err) {
      fail(`${(err as Error).message}: the service would refuse this flags file`)
    }
  }
  return { origin: `${file.origin ?? path}, ${mode}`, ...(doc ? { doc } : {}), problems }
}

export function flagsProblems(objects: K8sObject[], pods: PodTemplate[]): Problem[] {
  const problems: Problem[] = []
  const readers: Array<{ pod: PodTemplate; container: Dict; origin: string }> = []
  for (const pod of pods) {
    for (const container of pod.containers) {
      const source = flagsSource(objects, pod, container)
      if (!source) continue
      problems.push(...source.problems, ...token(objects, pod, container))
      readers.push({ pod, container, origin: source.origin })
    }
  }
  // Every flag reader must see the same flags: the gateway decides a user's track and variant, the backends
  // evaluate their own switches for the same user; with different files they disagree.
  const reference = readers.find((r) => str(r.container.name) === 'gateway') ?? readers[0]
  for (const reader of readers) {
    if (reader.origin === reference?.origin) continue
    problems.push(
      problem(
        reader.pod.owner,
        'flags-source',
        `container ${str(reader.container.name)} reads ${reader.origin}, ${reference?.pod.owner.metadata?.name} reads ${reference?.origin}: they would evaluate flags differently`,
      ),
    )
  }
  return problems
}

function token(objects: K8sObject[], pod: PodTemplate, container: Dict): Problem[] {
  const { env, sources } = containerConfig(objects, pod, container)
  const where = `container ${str(container.name)}`
  const [url, tokenSet] = [env.has('UNLEASH_URL'), env.has('UNLEASH_API_TOKEN')]
  if (url !== tokenSet) {
    const [set, unset] = url ? ['UNLEASH_URL', 'UNLEASH_API_TOKEN'] : ['UNLEASH_API_TOKEN', 'UNLEASH_URL']
    return [
      problem(
        pod.owner,
        'flags-token',
        `${where}: ${set} without ${unset}: the flag client refuses to start (set both for server mode, neither for offline)`,
      ),
    ]
  }
  const source = sources.get('UNLEASH_API_TOKEN')
  if (tokenSet && source !== 'secret') {
    return [
      problem(
        pod.owner,
        'flags-token',
        `${where}: UNLEASH_API_TOKEN comes from ${source === 'configMap' ? 'a ConfigMap' : source === 'literal' ? 'a literal value' : `a ${source}`}, so the token is committed with the manifests; read it from a Secret the user creates (secretKeyRef)`,
      ),
    ]
  }
  return []
}
