import { markUntransferable } from './untransferable.js';

/** Outgoing records carved from 64 KiB zeroed, untransferable slabs: a view costs nothing, an ArrayBuffer an AEAD. */
const SLAB_SIZE = 64 * 1024;
/** Larger requests get a buffer of their own. */
const MAX_CARVED = 8 * 1024;

let slab = newSlab();
let used = 0;

function newSlab(): Uint8Array {
  const bytes = new Uint8Array(SLAB_SIZE);
  markUntransferable(bytes.buffer);
  return bytes;
}

/** A fresh, zeroed, exclusively owned view of `n` bytes. */
export function allocate(n: number): Uint8Array {
  if (n > MAX_CARVED) return new Uint8Array(n);
  if (used + n > SLAB_SIZE) {
    slab = newSlab();
    used = 0;
  }
  const view = slab.subarray(used, used + n);
  used += (n + 7) & ~7; // keep views 8-byte aligned
  return view;
}
