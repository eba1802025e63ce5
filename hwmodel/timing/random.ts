/**
 * The randomness the timing models draw from, structurally typed so that
 * the kernel's seeded generator (`sim.random`, or a `fork(name)` of it) fits
 * without this folder importing the kernel.
 */

/** A seeded stream of uniform numbers. */
export interface RandomSource {
  /** The next number in [0, 1). */
  next(): number;
}

/** A uniform draw in [0, 1) from `random`; RangeError when the source breaks its contract. */
export function draw(random: RandomSource): number {
  const u = random.next();
  if (!(u >= 0 && u < 1)) throw new RangeError(`random source returned ${String(u)}, outside [0, 1)`);
  return u;
}
