/**
 * `ticketKeyFile` of `listen({ workers })`: a fleet's ticket keys in one file, re-read when it changes (the new key
 * first, the previous ones until their tickets expire): 32-byte keys as hex lines or raw bytes.
 */
import { readFileSync, unwatchFile, watchFile } from 'node:fs';
import { ConfigError } from '../../config-error.js';
import { TICKET_KEY_LENGTH } from '../../session/ticket-keys.js';

/** How often the file's modification time is checked. */
export const TICKET_KEY_FILE_POLL_MS = 1000;

/** The keys in `bytes` (a file's content); a ConfigError names the file and what is wrong. */
export function parseTicketKeys(bytes: Uint8Array, path: string): Uint8Array[] {
  const text = Buffer.from(bytes).toString('latin1').trim();
  const hex = text.split(/\s+/);
  if (text !== '' && hex.every((line) => /^[0-9a-f]+$/i.test(line))) {
    return hex.map((line, i) => {
      if (line.length !== 2 * TICKET_KEY_LENGTH)
        throw new ConfigError(
          'ticketKeyFile',
          `${path}: key ${i} has ${line.length} hex digits, not ${2 * TICKET_KEY_LENGTH}`,
        );
      return new Uint8Array(Buffer.from(line, 'hex'));
    });
  }
  if (bytes.length === 0 || bytes.length % TICKET_KEY_LENGTH !== 0)
    throw new ConfigError(
      'ticketKeyFile',
      `${path}: holds ${bytes.length} bytes; give keys of 32 bytes (raw, 32 × N bytes) or 64 hex digits per line`,
    );
  const keys: Uint8Array[] = [];
  for (let at = 0; at < bytes.length; at += TICKET_KEY_LENGTH)
    keys.push(Uint8Array.from(bytes.subarray(at, at + TICKET_KEY_LENGTH)));
  return keys;
}

/** Reads the file now (a ConfigError when it cannot be read or parsed). */
export function readTicketKeyFile(path: unknown): Uint8Array[] {
  if (typeof path !== 'string' || path === '')
    throw new ConfigError('ticketKeyFile', 'must be a string: the path of a file of ticket keys');
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new ConfigError('ticketKeyFile', `${path} cannot be read: ${(e as Error).message}`);
  }
  return parseTicketKeys(bytes, path);
}

/** Calls `changed` with the file's keys whenever it changes (a file that no longer parses is skipped: the keys in use stay); returns the stop. */
export function watchTicketKeyFile(
  path: string,
  changed: (keys: Uint8Array[]) => void,
  failed: (error: ConfigError) => void,
): () => void {
  const listener = (): void => {
    let keys: Uint8Array[];
    try {
      keys = readTicketKeyFile(path);
    } catch (e) {
      failed(e as ConfigError); // readTicketKeyFile throws ConfigError only
      return;
    }
    changed(keys);
  };
  watchFile(path, { interval: TICKET_KEY_FILE_POLL_MS, persistent: false }, listener);
  return () => unwatchFile(path, listener);
}
