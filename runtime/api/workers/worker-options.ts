/**
 * `workers` of `listen`, `cid` with workers, and the options that cross to a worker thread intact (structured clone); functions
 * and class instances are the worker module's to export (docs/scale-out.md): given here, a ConfigError.
 */
import { availableParallelism } from 'node:os';
import { ConfigError, integerOption, described } from '../../config-error.js';
import { MIN_OWNER_CID_LENGTH } from '../../cid/cid-owner.js';

/** Most workers (a CID's worker byte names 256; more threads than cores only cost). */
export const MAX_WORKERS = 64;

/** `workers`: a count, or 'auto' (one per core: os.availableParallelism()). */
export function workerCount(value: unknown): number {
  if (value === 'auto') return Math.max(1, Math.min(MAX_WORKERS, availableParallelism()));
  if (typeof value !== 'number')
    throw new ConfigError(
      'workers',
      `must be an integer in 1..${MAX_WORKERS} or 'auto', got ${described(value)}`,
      'ERR_INVALID_ARG_TYPE',
    );
  return integerOption('workers', value, 1, MAX_WORKERS);
}

/** `cid` with workers or a host id: a length of at least 6 (or { length, spares, maxIssued, maxPeer }), no generator of one's own. */
export function ownerCidOption(
  cid: unknown,
): { readonly length: number; readonly rest: Readonly<Record<string, unknown>> } | undefined {
  if (cid === undefined) return undefined;
  const o = typeof cid === 'number' ? { length: cid } : (cid as Record<string, unknown>);
  if (typeof o !== 'object' || o === null)
    throw new ConfigError('cid', 'must be a length (6..20 with workers) or { length, ... }');
  const { length, generate, ...rest } = o;
  if (generate !== undefined)
    throw new ConfigError(
      'cid.generate',
      'is not for workers or hostId: their CIDs carry the host and worker id (docs/scale-out.md)',
    );
  if (length === 0) return { length: 0, rest };
  integerOption('cid.length', length as number, MIN_OWNER_CID_LENGTH, 20);
  return { length: length as number, rest };
}

/** Option values structured clone keeps as they are. */
function cloneable(value: unknown): boolean {
  if (value === null || value === undefined) return true;
  const t = typeof value;
  if (t === 'string' || t === 'number' || t === 'boolean' || t === 'bigint') return true;
  if (t !== 'object') return false;
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) return true;
  if (Array.isArray(value)) return value.every(cloneable);
  if (value instanceof Map)
    return [...(value as Map<unknown, unknown>)].every(([k, v]) => cloneable(k) && cloneable(v));
  if (Object.getPrototypeOf(value) !== Object.prototype) return false;
  return Object.values(value as object).every(cloneable);
}

/** The options a worker is given (all of `options` but the ones the primary handles), checked to cross threads intact. */
export function workerListenOptions(
  options: Readonly<Record<string, unknown>>,
  handled: readonly string[],
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(options)) {
    if (handled.includes(name) || value === undefined) continue;
    if (!cloneable(value)) {
      throw new ConfigError(
        name,
        'cannot go to a worker thread (a function or a class instance): with workers, export it from the worker module as part of its `options` (docs/scale-out.md)',
      );
    }
    out[name] = value;
  }
  return out;
}
