import { join } from 'node:path'

/** The demo flags, the same in the offline file, the local Unleash seed and the Kubernetes addon. */
export const FLAG = {
  /** A/B experiment: variants `a` / `b` pick recommendations-a / recommendations-b. */
  abExperiment: 'recommendations-ab',
  /** App-level canary: gradual rollout % of users sent to catalog-canary. */
  catalogCanary: 'catalog-canary',
  /** Shadow switch: mirror recommendations reads to the shadow upstream. */
  shadow: 'recommendations-shadow',
  /** Feature switch inside catalog: discounted prices for a share of users. */
  catalogDiscount: 'catalog-discount',
} as const

/** The offline bootstrap file shipped with this package (also what `zdd up` copies on first run). */
export const DEMO_FLAGS_FILE = join(import.meta.dirname, '..', 'flags', 'demo.json')
