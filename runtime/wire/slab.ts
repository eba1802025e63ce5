import { markUntransferable } from './untransferable.js';

/**
 * Outgoing records are carved from 64 KiB slabs instead of each getting an ArrayBuffer of its own: allocating an
 * ArrayBuffer costs about as much as AES-GCM on a 1,200-byte record, a view of a slab costs nothing. A slab is never
 * reused: a full one is left to the garbage collector once every view of it is gone. Slab memory starts zeroed. A slab
 * holds several sessions' records, so it is marked untransferable ({@link markUntransferable}) and nothing received is
 * opened into it: application data gets arrays of its own (RecordLayer.receive), so `data.buffer` shows no other
 * session's bytes.
 */
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
