/**
 * The NSS key log format (SSLKEYLOGFILE; what --keylog writes and wolfSSL,
 * OpenSSL and NSS write): `LABEL <client_random hex> <secret hex>` lines,
 * `#` comments. Kept by client random, then label.
 */

export type KeyLog = Map<string, Map<string, Uint8Array>>;

const LINE = /^([A-Z_0-9]+) ([0-9a-fA-F]{64}) ([0-9a-fA-F]+)$/;

/** A key log error names the line. */
export class KeyLogError extends Error {
  override readonly name = 'KeyLogError';
}

/** Adds one line to `log`; false for a blank line or comment. */
export function addKeyLogLine(log: KeyLog, line: string, lineNumber = 0): boolean {
  const text = line.trim();
  if (text === '' || text.startsWith('#')) return false;
  const m = LINE.exec(text);
  if (!m)
    throw new KeyLogError(
      `key log line ${lineNumber}: expected 'LABEL <64 hex digits> <hex secret>', got '${text.slice(0, 60)}'`,
    );
  const random = m[2]!.toLowerCase();
  let secrets = log.get(random);
  if (!secrets) log.set(random, (secrets = new Map()));
  secrets.set(m[1]!, Uint8Array.from(Buffer.from(m[3]!, 'hex')));
  return true;
}

/** Parses a whole key log file. */
export function parseKeyLog(text: string): KeyLog {
  const log: KeyLog = new Map();
  text.split(/\r?\n/).forEach((line, i) => addKeyLogLine(log, line, i + 1));
  return log;
}
