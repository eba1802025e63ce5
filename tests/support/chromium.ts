/**
 * Debian's Chromium for the browser tests (no downloaded browser): headless,
 * a fresh profile directory, nothing fetched in the background.
 */
import { existsSync } from 'node:fs';
import { chromium, type BrowserContext } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

/** The flags every browser test runs with. */
export const QUIET_FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
] as const;

/** Chromium on the profile directory `profile`, with {@link QUIET_FLAGS} and `args`. */
export async function launchChromium(
  profile: string,
  args: readonly string[] = [],
  viewport?: { width: number; height: number },
): Promise<BrowserContext> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: .ci/run installs Debian's chromium`);
  return chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    ...(viewport ? { viewport } : {}),
    args: [...QUIET_FLAGS, ...args],
  });
}
