// Headless Debian Chromium driven by playwright-core (no browser download: the machine's /usr/bin/chromium).
// The flags keep Chromium off the network: this machine refuses outside connections, and background
// networking would otherwise retry them many at a time. Playwright gives each launch a fresh empty profile.
import { existsSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { type Browser, chromium } from 'playwright-core'

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

/** Where browser tests store their screenshots (kept after the run, ignored by git). */
export const ARTIFACTS_DIR = join(import.meta.dirname, '..', '..', 'artifacts')

export function hasChromium(): boolean {
  return existsSync(CHROMIUM_PATH)
}

export async function launchBrowser(): Promise<{ browser: Browser; close: () => Promise<void> }> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  })
  return {
    browser,
    async close() {
      await browser.close()
    },
  }
}

export function artifactPath(name: string): string {
  mkdirSync(ARTIFACTS_DIR, { recursive: true })
  return join(ARTIFACTS_DIR, name)
}
