/** One scrape target: a pod's management address and the labels Prometheus adds to its series. */
export interface Target {
  /** host:port of the management server (its /metrics). */
  address: string
  labels?: Record<string, string>
}

/**
 * prometheus.yml for a run: one job whose targets come from a file Prometheus watches (file_sd), so pods
 * that come and go during a rollout are scraped without a reload. Scrapes every `scrapeIntervalMs`.
 */
export function prometheusConfig(targetsFile: string, scrapeIntervalMs: number): string {
  const interval = `${scrapeIntervalMs}ms`
  // The timeout may not exceed the interval; a management server that needs longer is unhealthy anyway.
  const timeout = `${Math.max(100, Math.min(scrapeIntervalMs, 1000) - 50)}ms`
  return [
    'global:',
    `  scrape_interval: ${interval}`,
    `  scrape_timeout: ${timeout}`,
    'scrape_configs:',
    '  - job_name: zdd',
    '    file_sd_configs:',
    `      - files: [${JSON.stringify(targetsFile)}]`,
    '        refresh_interval: 1s',
    '',
  ].join('\n')
}

/** The file_sd document for `targets`: one group per target, so each keeps its own labels. */
export function targetsDocument(targets: readonly Target[]): string {
  return `${JSON.stringify(
    targets.map((t) => ({ targets: [t.address], labels: t.labels ?? {} })),
    null,
    2,
  )}\n`
}
