import { join } from 'node:path'

export const REPO_ROOT = join(import.meta.dirname, '..', '..')

/** Built entry points of the repository's services (what runs in the images: node dist/main.js). */
export const SERVICE_ENTRIES = {
  catalog: join(REPO_ROOT, 'services/catalog/dist/main.js'),
  gateway: join(REPO_ROOT, 'services/gateway/dist/main.js'),
  recommendations: join(REPO_ROOT, 'services/recommendations/dist/main.js'),
} as const

export type ServiceName = keyof typeof SERVICE_ENTRIES
