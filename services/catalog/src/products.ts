export interface Product {
  id: string
  name: string
  priceCents: number
}

export const PRODUCTS: readonly Product[] = Object.freeze([
  { id: 'p-100', name: 'Blue-green mug', priceCents: 1200 },
  { id: 'p-101', name: 'Canary sticker pack', priceCents: 400 },
  { id: 'p-102', name: 'Rolling-update hoodie', priceCents: 4500 },
  { id: 'p-103', name: 'PodDisruptionBudget poster', priceCents: 1500 },
  { id: 'p-104', name: 'preStop sleep mask', priceCents: 900 },
])

const BY_ID = new Map(PRODUCTS.map((product) => [product.id, product]))

export function findProduct(id: string): Product | undefined {
  return BY_ID.get(id)
}
