import { locate } from '../wire/slab.js';

/**
 * A send's datagrams as places in a few buffers, for the addon's `udpSendLaid` (native/src/bind-udp.c): a turn's
 * records are carved from one or two 64 KiB send slabs (runtime/wire/slab.ts), so the addon reads each slab's memory
 * once instead of each datagram's view (two N-API calls a datagram, a large share of a burst's cost outside the
 * kernel). One layout at a time per thread: laid out and read within one synchronous send.
 */

/** Per datagram: the index of its buffer in {@link laidBuffers}, its offset there, its length. */
let sendLayout = new Int32Array(3 * 64);
/** The buffers the layout names, each a view of a whole ArrayBuffer, in the order first named. */
export const laidBuffers: Uint8Array[] = [];
/** The ArrayBuffer of each of {@link laidBuffers}, in the same order (what the slabs are found by when given back). */
export const laidArrayBuffers: ArrayBufferLike[] = [];

/** Whole views of the buffers laid out last (slabs are reused: the same few come back), two at most, and their buffers. */
let wholeA: Uint8Array | undefined;
let wholeB: Uint8Array | undefined;
let bufferA: ArrayBufferLike | undefined;
let bufferB: ArrayBufferLike | undefined;

/** A view of all of `buffer`, the one made last time when it is among the last two. */
function wholeOf(buffer: ArrayBufferLike): Uint8Array {
  if (bufferA === buffer) return wholeA!;
  const a = wholeA;
  const b = bufferA;
  if (bufferB === buffer) wholeA = wholeB!;
  else wholeA = new Uint8Array(buffer);
  bufferA = buffer;
  wholeB = a;
  bufferB = b;
  return wholeA;
}

/**
 * Lays out `datagrams[from, from + n)` in {@link laidBuffers} and the layout returned (reused: read it before the
 * next call); a buffer met again after another is named again (the addon reads it twice).
 */
export function layOutSend(datagrams: readonly Uint8Array[], from: number, n: number): Int32Array {
  if (sendLayout.length < 3 * n) sendLayout = new Int32Array(3 * n);
  const layout = sendLayout;
  let last: ArrayBufferLike | undefined;
  let index = -1;
  for (let i = 0; i < n; i++) {
    const d = datagrams[from + i]!;
    const p = locate(d);
    const buffer = p.buffer;
    if (buffer !== last) {
      last = buffer;
      index++;
      // Written by index, the lists cut once at the end only when they were longer (a `length` set is a runtime call).
      if (index === laidBuffers.length) {
        laidBuffers.push(wholeOf(buffer));
        laidArrayBuffers.push(buffer);
      } else {
        laidBuffers[index] = wholeOf(buffer);
        laidArrayBuffers[index] = buffer;
      }
    }
    const at = 3 * i;
    layout[at] = index;
    layout[at + 1] = p.offset;
    layout[at + 2] = p.length;
  }
  if (laidBuffers.length > index + 1) {
    laidBuffers.length = index + 1;
    laidArrayBuffers.length = index + 1;
  }
  return layout;
}
