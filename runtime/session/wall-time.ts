import type { Reader } from '../wire/reader.js';
import type { Writer } from '../wire/writer.js';

/** A wall-clock time in ms since the epoch as two uint32 (high, low): exact up to 2^53. */
export function writeWallTime(w: Writer, ms: number, field: string): void {
  w.u32(Math.floor(ms / 2 ** 32), `${field}_high`);
  w.u32(ms >>> 0, `${field}_low`);
}

export function readWallTime(r: Reader, field: string): number {
  return r.u32(`${field}_high`) * 2 ** 32 + r.u32(`${field}_low`);
}
