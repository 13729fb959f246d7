import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { DuplicateScenarioError, ScenarioModuleError, UnknownScenarioError } from '../errors.ts'
import type { ScenarioDefinition } from './define.ts'

const registry = new Map<string, ScenarioDefinition>()

/** Makes a scenario known to runs and to the CLI. Two with the same kind are refused. */
export function registerScenario(definition: ScenarioDefinition): void {
  if (registry.has(definition.kind)) throw new DuplicateScenarioError(definition.kind)
  registry.set(definition.kind, definition)
}

/**
 * Registers every `*.scenario.js` (or `.ts`) in `dir`, each exporting its definition as default. The
 * built-in scenarios are found this way, in this folder: there is no list of them to keep.
 */
export async function loadScenarios(dir: string): Promise<ScenarioDefinition[]> {
  const files = readdirSync(dir)
    .filter((file) => /\.scenario\.(js|ts)$/.test(file) && !file.endsWith('.d.ts'))
    .sort()
  const loaded: ScenarioDefinition[] = []
  for (const file of files) {
    const module = (await import(pathToFileURL(join(dir, file)).href)) as { default?: ScenarioDefinition }
    const definition = module.default
    if (!definition || typeof definition.kind !== 'string' || typeof definition.runner !== 'function') {
      throw new ScenarioModuleError(join(dir, file))
    }
    registerScenario(definition)
    loaded.push(definition)
  }
  return loaded
}

/** Every known scenario, in their `order`. */
export function scenarioDefinitions(): ScenarioDefinition[] {
  return [...registry.values()].sort((a, b) => a.order - b.order || a.kind.localeCompare(b.kind))
}

export function scenarioDefinition(kind: string): ScenarioDefinition {
  const definition = registry.get(kind)
  if (!definition)
    throw new UnknownScenarioError(
      kind,
      scenarioDefinitions()
        .map((d) => d.kind)
        .join(', '),
    )
  return definition
}

// Top-level await: importing the package gives a registry that already holds the built-in scenarios.
await loadScenarios(import.meta.dirname)
