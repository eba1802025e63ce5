/**
 * Outgoing records are carved from 64 KiB slabs instead of each getting an
 * ArrayBuffer of its own: allocating an ArrayBuffer costs about as much as
 * AES-GCM on a 1,200-byte record, a view of a slab costs nothing. A slab is
 * never reused: a full one is left to the garbage collector once every view
 * of it is gone, so handing views out is safe. Slab memory starts zeroed.
 */
const SLAB_SIZE = 64 * 1024;
/** Larger requests get a buffer of their own. */
const MAX_CARVED = 8 * 1024;

let slab = new Uint8Array(SLAB_SIZE);
let used = 0;

/** A fresh, zeroed, exclusively owned view of `n` bytes. */
export function allocate(n: number): Uint8Array {
  if (n > MAX_CARVED) return new Uint8Array(n);
  if (used + n > SLAB_SIZE) {
    slab = new Uint8Array(SLAB_SIZE);
    used = 0;
  }
  const view = slab.subarray(used, used + n);
  used += (n + 7) & ~7; // keep views 8-byte aligned
  return view;
}
