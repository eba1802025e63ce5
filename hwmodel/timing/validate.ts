/**
 * Small checks for JSON-ish configuration: each names the field path it
 * rejects (`crypto.software.aead.TLS_AES_128_GCM_SHA256.seal.perByteNs`) in a
 * ConfigError.
 */
import { ConfigError } from '../../runtime/config-error.js';

/** A plain object (not null, not an array). */
export type Json = Readonly<Record<string, unknown>>;

/** `value` as an object, or ConfigError naming `path`. */
export function object(value: unknown, path: string): Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new ConfigError(path, `must be an object, got ${kind(value)}`);
  return value as Json;
}

/** Rejects keys of `value` outside `allowed` (catches misspelt fields). */
export function onlyKeys(value: Json, path: string, allowed: readonly string[]): void {
  for (const k of Object.keys(value))
    if (!allowed.includes(k))
      throw new ConfigError(join(path, k), `unknown field (expected one of ${allowed.join(', ')})`);
}

/** Bounds for {@link number}. */
export interface NumberRule {
  readonly min?: number;
  /** When true the value must be strictly above `min`. */
  readonly exclusiveMin?: boolean;
  readonly max?: number;
  readonly integer?: boolean;
}

/** `value` as a finite number within `rule`, or ConfigError naming `path`. */
export function number(value: unknown, path: string, rule: NumberRule = {}): number {
  if (typeof value !== 'number' || !Number.isFinite(value))
    throw new ConfigError(path, `must be a finite number, got ${kind(value)}`);
  if (rule.integer === true && !Number.isSafeInteger(value))
    throw new ConfigError(path, `must be an integer, got ${value}`);
  if (rule.min !== undefined && (rule.exclusiveMin === true ? value <= rule.min : value < rule.min)) {
    throw new ConfigError(path, `must be ${rule.exclusiveMin === true ? '>' : '>='} ${rule.min}, got ${value}`);
  }
  if (rule.max !== undefined && value > rule.max) throw new ConfigError(path, `must be <= ${rule.max}, got ${value}`);
  return value;
}

/** `value` as a string, or ConfigError naming `path`. */
export function string(value: unknown, path: string): string {
  if (typeof value !== 'string') throw new ConfigError(path, `must be a string, got ${kind(value)}`);
  return value;
}

/** `value` as a boolean, or ConfigError naming `path`. */
export function boolean(value: unknown, path: string): boolean {
  if (typeof value !== 'boolean') throw new ConfigError(path, `must be a boolean, got ${kind(value)}`);
  return value;
}

/** A field path: `a.b`, or `a` alone when `base` is empty. */
export function join(base: string, key: string): string {
  return base === '' ? key : `${base}.${key}`;
}

function kind(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'number') return String(value);
  return typeof value;
}
