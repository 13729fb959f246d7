import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

interface ProfileNode {
  id: number
  callFrame: { functionName: string; url: string; lineNumber?: number }
  children?: number[]
}

interface CpuProfile {
  nodes: ProfileNode[]
  samples: number[]
  timeDeltas: number[]
}

/** Frames that do work on someone else's behalf: their time is charged to the nearest caller that is code. */
const INTERNAL = new Set(['node: internals', '(native)', '(program)'])

/** The bundle marker packages/bundle writes on a service's dist/main.js. */
const BUNDLE_MARKER = '// zdd-bundle: one file'
/** Per bundle file, the source module path each line came from (esbuild heads each module with `// <path>`). */
const bundleLines = new Map<string, string[] | null>()

function moduleOfBundleLine(url: string, line: number): string | undefined {
  let lines = bundleLines.get(url)
  if (lines === undefined) {
    lines = null
    try {
      const text = readFileSync(fileURLToPath(url), 'utf8')
      if (text.startsWith(BUNDLE_MARKER)) {
        let current = ''
        lines = text.split('\n').map((source) => {
          const header = /^\/\/ (\S+\.(?:js|mjs|cjs|json))$/.exec(source)
          if (header?.[1]) current = header[1]
          return current
        })
      }
    } catch {
      // Not a readable file: attributed by its URL as it is.
    }
    bundleLines.set(url, lines)
  }
  return lines?.[line]
}

/**
 * Where a frame's code lives: a package, Node's internals, the V8 pseudo-frames, or the app itself. Frames in
 * a bundled service (packages/bundle) are charged to the module the line came from, not to the bundle.
 */
export function owner(url: string, functionName: string, line?: number): string {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)'
  if (url.startsWith('node:')) return 'node: internals'
  const bundled = url.startsWith('file:') && line !== undefined ? moduleOfBundleLine(url, line) : undefined
  // esbuild names each module relative to the package it ran in (the bundle's dist/ is in that package).
  if (bundled) return owner(new URL(bundled, new URL('../', url)).href, functionName)
  const modules = url.lastIndexOf('/node_modules/')
  if (modules >= 0) {
    const rest = url.slice(modules + '/node_modules/'.length).split('/')
    return rest[0]?.startsWith('@') ? `${rest[0]}/${rest[1]}` : (rest[0] ?? url)
  }
  const workspace = /\/(packages|services)\/([^/]+)\//.exec(url)
  if (workspace) return `@zdd/${workspace[2]}`
  return url.split('/').slice(-2).join('/')
}

export interface ProfileShare {
  name: string
  /** Share of the non-idle samples, 0-1. */
  share: number
}

/**
 * What a process spent its CPU on, from the .cpuprofile files in `dir` (V8's `--cpu-prof`), idle time and
 * the first `skipMs` (start-up, warm-up) left out. `byOwner`: each sample charged to the package whose code
 * made the call (Node internals and native work go to their nearest caller in a package or the app; GC
 * stays GC). `byFunction`: self time per function.
 */
export function summarizeProfiles(
  dir: string,
  skipMs = 0,
  top = 12,
): { byOwner: ProfileShare[]; byFunction: ProfileShare[] } {
  const byOwner = new Map<string, number>()
  const byFunction = new Map<string, number>()
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'))) {
    const profile = JSON.parse(readFileSync(join(dir, file), 'utf8')) as CpuProfile
    const nodes = new Map(profile.nodes.map((n) => [n.id, n]))
    const parents = new Map<number, number>()
    for (const node of profile.nodes) for (const child of node.children ?? []) parents.set(child, node.id)
    const chargedTo = new Map<number, string>()
    const charge = (id: number): string => {
      const cached = chargedTo.get(id)
      if (cached) return cached
      const node = nodes.get(id)
      let who = node
        ? owner(node.callFrame.url, node.callFrame.functionName, node.callFrame.lineNumber)
        : '(unknown)'
      const parent = parents.get(id)
      if (INTERNAL.has(who) && parent !== undefined) {
        const above = charge(parent)
        if (above !== '(root)') who = above
      }
      chargedTo.set(id, who)
      return who
    }
    let elapsedUs = 0
    profile.samples.forEach((id, i) => {
      const dt = profile.timeDeltas[i] ?? 0
      elapsedUs += dt
      const node = nodes.get(id)
      if (!node || node.callFrame.functionName === '(idle)' || elapsedUs < skipMs * 1000) return
      const who = owner(node.callFrame.url, node.callFrame.functionName, node.callFrame.lineNumber)
      const payer = charge(id)
      byOwner.set(payer, (byOwner.get(payer) ?? 0) + dt)
      const fn = `${node.callFrame.functionName || '(anonymous)'} (${who})`
      byFunction.set(fn, (byFunction.get(fn) ?? 0) + dt)
    })
  }
  const rank = (m: Map<string, number>) => {
    const total = [...m.values()].reduce((a, b) => a + b, 0) || 1
    return [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, t]) => ({ name, share: Math.round((t / total) * 1000) / 1000 }))
  }
  return { byOwner: rank(byOwner), byFunction: rank(byFunction) }
}
