import { bytesKey } from '../pki/bytes-lru.js';
import { SecureContext } from '../pki/secure-context.js';

/**
 * The content of `{ cert, key, ... }` options (or a list of them) as a key: every field, strings and bytes
 * length-prefixed; undefined for anything else (a secure context is remembered by object only).
 */
export function contentKey(value: unknown): string | undefined {
  if (typeof value === 'string') return `s${value.length}:${value}`;
  if (value instanceof Uint8Array) return `b${value.length}:${bytesKey(value)}`;
  if (typeof value === 'number' || typeof value === 'boolean') return `v${String(value)};`;
  if (Array.isArray(value)) {
    let key = `a${value.length}[`;
    for (const v of value) {
      const k = contentKey(v);
      if (k === undefined) return undefined;
      key += k;
    }
    return `${key}]`;
  }
  if (
    typeof value !== 'object' ||
    value === null ||
    value instanceof SecureContext ||
    Object.getPrototypeOf(value) !== Object.prototype
  )
    return undefined;
  let key = '{';
  for (const name of Object.keys(value).sort()) {
    const v = (value as Record<string, unknown>)[name];
    if (v === undefined) continue;
    const k = contentKey(v);
    if (k === undefined) return undefined;
    key += `${name}=${k}`;
  }
  return `${key}}`;
}
