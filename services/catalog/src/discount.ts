import type { Product } from './products.ts'

export interface DiscountedProduct extends Product {
  /** The price before the discount; present only when the feature switch is on for the user. */
  listPriceCents: number
  discountPercent: number
}

/** The new behaviour behind the `catalog-discount` switch: prices cut by a percentage, rounded down to cents. */
export function discounted(product: Product, percent: number): DiscountedProduct {
  return {
    ...product,
    priceCents: Math.floor((product.priceCents * (100 - percent)) / 100),
    listPriceCents: product.priceCents,
    discountPercent: percent,
  }
}
