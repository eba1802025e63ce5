/**
 * Debian's Firefox ESR for the browser tests (no downloaded or patched
 * browser, so no Playwright): `firefox-esr --headless --no-remote` on a
 * fresh profile whose user.js turns off everything that would reach the
 * network on its own (telemetry, updates, background requests) and sets
 * the WebRTC preferences a test asks for. The page it opens does the test's
 * work and reports back to the test's own web server.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { systemTool } from './netns.js';

export const FIREFOX = '/usr/bin/firefox-esr';

/** A preference value as user.js writes it. */
export type Pref = boolean | number | string;

/** Preferences every test profile gets: nothing fetched or reported in the background, no first-run pages. */
export const QUIET_PREFS: Readonly<Record<string, Pref>> = {
  'app.update.enabled': false,
  'app.update.auto': false,
  'app.normandy.enabled': false,
  'app.shield.optoutstudies.enabled': false,
  'browser.aboutwelcome.enabled': false,
  'browser.newtabpage.enabled': false,
  'browser.ping-centre.telemetry': false,
  'browser.safebrowsing.downloads.enabled': false,
  'browser.safebrowsing.malware.enabled': false,
  'browser.safebrowsing.phishing.enabled': false,
  'browser.safebrowsing.provider.mozilla.updateURL': '',
  'browser.search.update': false,
  'browser.shell.checkDefaultBrowser': false,
  'browser.startup.homepage_override.mstone': 'ignore',
  'browser.startup.page': 0,
  'captivedetect.canonicalURL': '',
  'datareporting.healthreport.uploadEnabled': false,
  'datareporting.policy.dataSubmissionEnabled': false,
  'extensions.update.enabled': false,
  'extensions.getAddons.cache.enabled': false,
  'network.captive-portal-service.enabled': false,
  'network.connectivity-service.enabled': false,
  'network.dns.disablePrefetch': true,
  'network.prefetch-next': false,
  'network.proxy.type': 0,
  'network.trr.mode': 5,
  'remote-settings.disabled': true,
  'services.settings.server': 'http://127.0.0.1:9/',
  'toolkit.telemetry.enabled': false,
  'toolkit.telemetry.unified': false,
  'toolkit.telemetry.server': '',
};

/** Firefox's version, as `firefox-esr --version` prints it (`153.7.0esr`). */
export function firefoxVersion(): string {
  requireFirefox();
  const out = execFileSync(FIREFOX, ['--version'], { env: { ...process.env, HOME: tmpdir() } }).toString();
  const m = out.match(/Firefox (\S+)/);
  if (!m) throw new Error(`firefox-esr --version printed no version: ${out}`);
  return m[1]!;
}

function requireFirefox(): void {
  if (!existsSync(FIREFOX))
    throw new Error(`${FIREFOX} is missing: tests/examples/install-firefox.sh installs Debian's firefox-esr`);
}

/** A running headless Firefox; {@link close} kills it and removes its profile. */
export interface RunningFirefox {
  readonly process: ChildProcess;
  /** Everything it printed (stdout and stderr), for a failure's message. */
  readonly output: () => string;
  close(): Promise<void>;
}

/**
 * Starts Firefox on `url`, inside the network namespace `ns` (`ip netns
 * exec`; undefined: this one), on a new profile with {@link QUIET_PREFS}
 * and `prefs`. HOME is the profile's directory, so nothing is written under
 * the real one.
 */
export function launchFirefox(url: string, prefs: Readonly<Record<string, Pref>>, ns?: string): RunningFirefox {
  requireFirefox();
  const home = mkdtempSync(join(tmpdir(), 'dtls13-firefox-'));
  const profile = join(home, 'profile');
  const lines = Object.entries({ ...QUIET_PREFS, ...prefs }).map(
    ([name, value]) => `user_pref(${JSON.stringify(name)}, ${JSON.stringify(value)});`,
  );
  mkdirSync(profile);
  writeFileSync(join(profile, 'user.js'), lines.join('\n') + '\n');
  const args = [FIREFOX, '--headless', '--no-remote', '--profile', profile, url];
  const [command, ...rest] = ns === undefined ? args : [systemTool('ip'), 'netns', 'exec', ns, ...args];
  const child = spawn(command!, rest, {
    env: { ...process.env, HOME: home, MOZ_CRASHREPORTER_DISABLE: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  child.stdout.on('data', (d: Buffer) => (text += d.toString()));
  child.stderr.on('data', (d: Buffer) => (text += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    process: child,
    output: () => text,
    async close() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(killer);
      rmSync(home, { recursive: true, force: true });
    },
  };
}
