/**
 * Simulated time as the timing models use it: `SimTime` (integer
 * picoseconds) and the unit constants, from the kernel
 * (hwmodel/DESIGN.md, "Time"), plus two helpers of this folder.
 */
export { MS, NS, PS, SEC, US } from '../kernel/time.js';
export type { SimTime } from '../kernel/time.js';
import type { SimTime } from '../kernel/time.js';

/** Throws RangeError unless `t` is an integer SimTime in [0, MAX_SAFE_INTEGER]. */
export function checkTime(name: string, t: number): SimTime {
  if (!Number.isSafeInteger(t) || t < 0) throw new RangeError(`${name} must be a non-negative integer number of picoseconds, got ${String(t)}`);
  return t;
}
