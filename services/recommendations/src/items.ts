import { createHash } from 'node:crypto'

export interface Item {
  id: string
  name: string
  score: number
}

/** Best-sellers, most popular first: ids match the catalog's products. */
const POPULAR: readonly Item[] = Object.freeze([
  { id: 'p-102', name: 'Rolling-update hoodie', score: 0.97 },
  { id: 'p-100', name: 'Blue-green mug', score: 0.91 },
  { id: 'p-101', name: 'Canary sticker pack', score: 0.84 },
  { id: 'p-104', name: 'preStop sleep mask', score: 0.62 },
  { id: 'p-103', name: 'PodDisruptionBudget poster', score: 0.55 },
])

export function popular(limit: number): Item[] {
  return POPULAR.slice(0, limit)
}

/** A deterministic per-user ordering: the same user always gets the same picks, users differ. */
export function personalized(userId: string | undefined, limit: number): Item[] {
  if (!userId) return popular(limit)
  const scored = POPULAR.map((item) => {
    const digest = createHash('sha256').update(`${userId}:${item.id}`).digest()
    return { ...item, score: Math.round((digest.readUInt16BE(0) / 0xffff) * 100) / 100 }
  })
  return scored.sort((a, b) => b.score - a.score || a.id.localeCompare(b.id)).slice(0, limit)
}
