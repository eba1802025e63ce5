/** Reading and writing timing profiles as files (Node only; the rest of hwmodel/timing is I/O-free). */
import { readFileSync, writeFileSync } from 'node:fs';
import { ConfigError } from '../../runtime/config-error.js';
import { parseProfile, serializeProfile } from './profile.js';
import type { TimingProfile } from './profile.js';

/** Reads and checks the profile at `path`; ConfigError naming the file, or the bad field path with the file in the message. */
export function loadProfile(path: string): TimingProfile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new ConfigError('profile', `cannot read ${path}: ${e instanceof Error ? e.message : String(e)}`);
  }
  try {
    return parseProfile(text);
  } catch (e) {
    if (e instanceof ConfigError)
      throw new ConfigError(e.option, `${e.message.slice(`option ${e.option}: `.length)} (in ${path})`);
    throw e;
  }
}

/** Checks `profile` and writes it to `path` as JSON. */
export function saveProfile(path: string, profile: TimingProfile): void {
  writeFileSync(path, serializeProfile(profile));
}
