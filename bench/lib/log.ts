const started = performance.now()

/** Progress on stderr, so stdout stays free for a child's JSON answer. */
export function log(message: string): void {
  const seconds = ((performance.now() - started) / 1000).toFixed(1).padStart(6)
  process.stderr.write(`[bench ${seconds}s] ${message}\n`)
}
