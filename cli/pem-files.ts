import { createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ConfigError, readCertificates } from './runtime.js';
import { CliUsageError } from './usage-error.js';

function read(option: string, path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new CliUsageError(`${option} ${path}: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** Every certificate in a PEM file (DER), leaf first; a broken or missing block is an error naming the flag and file. */
export function loadCertificates(option: string, path: string): Uint8Array[] {
  const text = read(option, path);
  // Text before the first block (openssl x509 -text writes the decoded fields there) is no part of PEM.
  const begin = text.indexOf('-----BEGIN ');
  if (begin < 0)
    throw new CliUsageError(
      `${option} ${path}: no PEM block (-----BEGIN CERTIFICATE-----); a DER file converts with: openssl x509 -inform der -in ${path} -out ${path}.pem`,
    );
  try {
    return readCertificates(option, text.slice(begin));
  } catch (e) {
    // The library names the option it was given (`--cert`), and the block: said here with the file.
    if (e instanceof ConfigError) throw new CliUsageError(`${option} ${path}: ${e.reason}`);
    throw e;
  }
}

/** A private key from PEM (PKCS#8, SEC1 or PKCS#1), as PKCS#8 DER. */
export function loadPrivateKey(option: string, path: string): Uint8Array {
  try {
    return new Uint8Array(createPrivateKey(read(option, path)).export({ format: 'der', type: 'pkcs8' }));
  } catch (e) {
    if (e instanceof CliUsageError) throw e;
    throw new CliUsageError(`${option} ${path}: not a private key (${e instanceof Error ? e.message : String(e)})`);
  }
}

/**
 * `HOST:PORT`, `[v6]:PORT`, `:PORT` or `PORT` alone (openssl's `-accept PORT`): the last two on `defaultHost`. A port
 * out of range is named as such: 1..65535 to connect to, 0..65535 to listen on (0: any free port).
 */
export function hostPort(
  option: string,
  value: string,
  defaultHost: string,
  lowestPort: 0 | 1,
): { host: string; port: number } {
  const m = /^(?:(?:\[([^\]]+)\]|([^:]*)):)?(\d+)$/.exec(value);
  if (!m) throw new CliUsageError(`${option} must be HOST:PORT, got '${value}'`);
  const port = Number(m[3]);
  if (!Number.isSafeInteger(port) || port < lowestPort || port > 65535)
    throw new CliUsageError(`${option} ${value}: port ${m[3]} is out of range (${lowestPort}..65535)`);
  return { host: m[1] ?? (m[2] || defaultHost), port };
}

/** A comma-separated list checked against the names allowed. */
export function nameList<T extends string>(
  option: string,
  value: string | undefined,
  allowed: readonly T[],
): T[] | undefined {
  if (value === undefined) return undefined;
  const names = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const bad = names.find((n) => !(allowed as readonly string[]).includes(n));
  if (bad !== undefined || names.length === 0)
    throw new CliUsageError(`${option}: unknown name '${bad ?? value}' (known: ${allowed.join(', ')})`);
  return names as T[];
}
