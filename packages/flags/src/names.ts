import { fileURLToPath } from 'node:url'

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

/**
 * The offline bootstrap file shipped with this package (also what `zdd up` copies on first run). Found by
 * package name, not relative to this module: the services run bundled (packages/bundle), where this code
 * lives in the service's own dist/main.js.
 */
export const DEMO_FLAGS_FILE = fileURLToPath(import.meta.resolve('@zdd/flags/flags/demo.json'))
