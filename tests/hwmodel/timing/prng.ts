/** A small seeded generator for the timing tests (mulberry32), so they do not depend on the kernel's. */
import type { RandomSource } from '../../../hwmodel/timing/index.js';

export function seeded(seed: number): RandomSource & { draws: number } {
  let a = seed >>> 0;
  const source = {
    draws: 0,
    next(): number {
      source.draws++;
      a = (a + 0x6d2b79f5) >>> 0;
      let t = a;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    },
  };
  return source;
}
