/**
 * Memory timing: a set-associative cache with LRU replacement over line
 * addresses (ways = 1 is direct-mapped) in front of a memory with a fixed
 * miss latency, plus a per-byte burst cost. Writes allocate like reads;
 * write-backs are not modelled.
 */
import { ConfigError } from '../../runtime/config-error.js';
import { NS } from './time.js';
import type { SimTime } from './time.js';
import { join, number, object, onlyKeys } from './validate.js';

/** Cache geometry and latencies. */
export interface MemoryParams {
  /** Line size in bytes (a power of two). */
  readonly lineBytes: number;
  /** Number of sets (a power of two). */
  readonly sets: number;
  /** Lines per set (1 = direct-mapped). */
  readonly ways: number;
  /** Latency of a line found in the cache, ns. */
  readonly hitLatencyNs: number;
  /** Latency of a line fetched from memory, ns. */
  readonly missLatencyNs: number;
  /** Transfer cost per byte accessed (burst), ns. */
  readonly perByteNs: number;
  /**
   * Burst accesses: the lines of one access are fetched back to back, so it
   * costs one latency (a miss's if any line missed, else a hit's) plus its
   * bytes at `perByteNs`; otherwise each line costs its own latency.
   */
  readonly burst?: boolean;
}

/** Cache counts. */
export interface CacheStats {
  /** Line lookups. */
  readonly accesses: number;
  readonly hits: number;
  readonly misses: number;
  /** hits / accesses (0 before any access). */
  readonly hitRate: number;
}

/** Checks memory parameters, naming the bad field under `path` (ConfigError). */
export function checkMemoryParams(value: unknown, path = 'memory'): MemoryParams {
  const v = object(value, path);
  onlyKeys(v, path, ['lineBytes', 'sets', 'ways', 'hitLatencyNs', 'missLatencyNs', 'perByteNs', 'burst']);
  const powerOfTwo = (key: string): number => {
    const n = number(v[key], join(path, key), { min: 1, integer: true });
    if ((n & (n - 1)) !== 0 || n > 2 ** 30)
      throw new ConfigError(join(path, key), `must be a power of two up to 2^30, got ${n}`);
    return n;
  };
  return {
    lineBytes: powerOfTwo('lineBytes'),
    sets: powerOfTwo('sets'),
    ways: number(v['ways'], join(path, 'ways'), { min: 1, max: 1024, integer: true }),
    hitLatencyNs: number(v['hitLatencyNs'], join(path, 'hitLatencyNs'), { min: 0 }),
    missLatencyNs: number(v['missLatencyNs'], join(path, 'missLatencyNs'), { min: 0 }),
    perByteNs: number(v['perByteNs'], join(path, 'perByteNs'), { min: 0 }),
    ...(v['burst'] === true ? { burst: true } : {}),
  };
}

/**
 * A cache timing model. `access(address, bytes)` looks up every line the
 * range touches; its latency is the sum over those lines of the hit or miss
 * latency (or, for a burst, one latency), plus `bytes × perByteNs`.
 */
export class CacheModel {
  readonly params: MemoryParams;
  /** Per set, the line numbers held, most recently used last. */
  readonly #sets: number[][];
  #hits = 0;
  #misses = 0;

  constructor(params: MemoryParams, path = 'memory') {
    this.params = checkMemoryParams(params, path);
    this.#sets = Array.from({ length: this.params.sets }, () => []);
  }

  /** Latency of reading or writing `bytes` bytes at `address`; updates the cache and counts. */
  access(address: number, bytes: number): SimTime {
    if (!Number.isSafeInteger(address) || address < 0)
      throw new RangeError(`memory address must be a non-negative integer, got ${String(address)}`);
    if (!Number.isSafeInteger(bytes) || bytes < 0)
      throw new RangeError(`memory access length must be a non-negative integer, got ${String(bytes)}`);
    const { lineBytes, hitLatencyNs, missLatencyNs, perByteNs } = this.params;
    let ns = bytes * perByteNs;
    if (bytes > 0) {
      const first = Math.floor(address / lineBytes);
      const last = Math.floor((address + bytes - 1) / lineBytes);
      if (this.params.burst === true) {
        let missed = false;
        for (let line = first; line <= last; line++) if (!this.lookup(line)) missed = true;
        ns += missed ? missLatencyNs : hitLatencyNs;
      } else {
        for (let line = first; line <= last; line++) ns += this.lookup(line) ? hitLatencyNs : missLatencyNs;
      }
    }
    return Math.round(ns * NS);
  }

  /** Looks up one line number: true on a hit; on a miss the line is filled, evicting the least recently used. */
  lookup(line: number): boolean {
    const set = this.#sets[line % this.params.sets] ?? [];
    const at = set.indexOf(line);
    if (at >= 0) {
      // Move it to the most recently used end in place (splice would build an array of the removed line on every hit).
      for (let i = at; i < set.length - 1; i++) set[i] = set[i + 1]!;
      set[set.length - 1] = line;
      this.#hits++;
      return true;
    }
    if (set.length >= this.params.ways) set.shift();
    set.push(line);
    this.#misses++;
    return false;
  }

  /** Whether the line holding `address` is cached (no side effects). */
  contains(address: number): boolean {
    const line = Math.floor(address / this.params.lineBytes);
    return (this.#sets[line % this.params.sets] ?? []).includes(line);
  }

  /** Counts so far. */
  get stats(): CacheStats {
    const accesses = this.#hits + this.#misses;
    return { accesses, hits: this.#hits, misses: this.#misses, hitRate: accesses === 0 ? 0 : this.#hits / accesses };
  }

  /** Empties the cache and zeroes the counts. */
  reset(): void {
    for (const s of this.#sets) s.length = 0;
    this.#hits = 0;
    this.#misses = 0;
  }
}
