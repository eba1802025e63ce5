import { createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parsePemCertificates } from './runtime.js';
import { CliUsageError } from './usage-error.js';

function read(option: string, path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new CliUsageError(`${option} ${path}: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** Every certificate in a PEM file (DER), leaf first. */
export function loadCertificates(option: string, path: string): Uint8Array[] {
  const certs = parsePemCertificates(read(option, path));
  if (certs.length === 0) throw new CliUsageError(`${option} ${path}: no CERTIFICATE block`);
  return certs;
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

/** `HOST:PORT`, `[v6]:PORT`, `:PORT` or `PORT` alone (openssl's `-accept PORT`): the last two on `defaultHost`. */
export function hostPort(option: string, value: string, defaultHost: string): { host: string; port: number } {
  const m = /^(?:(?:\[([^\]]+)\]|([^:]*)):)?(\d+)$/.exec(value);
  const port = Number(m?.[3]);
  if (!m || !Number.isInteger(port) || port > 65535)
    throw new CliUsageError(`${option} must be HOST:PORT, got '${value}'`);
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
